/**
 * Client for the admin API under /api/audio-storage/, which every call
 * authenticates with the admin bearer token from ./auth.ts.
 */
import { adminHeaders } from "./auth.ts";
import { ensureOk, fetchJson } from "./http.ts";
import type { RegistryStats } from "./stats-types.ts";

const API = "/api/audio-storage";

/** One recording in a user's listing. */
export interface RecordingEntry {
  userId: string;
  sessionId: string;
  /** `{userId}/{sessionId}`, the `{filePath}` of the download and delete routes. */
  path: string;
  /** Total bytes of the recording's objects. */
  bytes: number;
  /** Last change, in milliseconds since the epoch, or null when unknown. */
  modifiedAt: number | null;
  complete: boolean | null;
}

/** One page of a user's recordings; `cursor` is null on the last page. */
export interface RecordingPage {
  recordings: RecordingEntry[];
  cursor: string | null;
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

export function fetchStats(signal?: AbortSignal): Promise<RegistryStats> {
  return fetchJson<RegistryStats>(`${API}/stats`, {
    headers: adminHeaders(),
    signal,
  });
}

/** Lists one page of a user's recordings, starting after `cursor`. */
export async function listRecordings(
  userId: string,
  cursor: string | null,
): Promise<RecordingPage> {
  const url = new URL(
    `${API}/files/${encodeURIComponent(userId)}`,
    location.origin,
  );
  if (cursor !== null) url.searchParams.set("cursor", cursor);
  const body = await fetchJson<FilesResponse>(url, { headers: adminHeaders() });
  return {
    recordings: body.recordings.map((entry) => toEntry(userId, entry)),
    cursor: body.cursor ?? null,
  };
}

/** Fetches a recording as WAV through the admin download route. */
export async function downloadRecording(path: string): Promise<Response> {
  return ensureOk(
    await fetch(`${API}/download/${encodePath(path)}.wav`, {
      headers: adminHeaders(),
    }),
  );
}

/** Deletes every object of a recording. */
export async function deleteRecording(path: string): Promise<void> {
  await ensureOk(
    await fetch(`${API}/files/${encodePath(path)}`, {
      method: "DELETE",
      headers: adminHeaders(),
    }),
  );
}

/** Result of a cleanup run, as the admin API returns it. */
export type CleanupResult = Record<string, unknown>;

/** Deletes recordings older than `maxAgeDays` days. */
export function cleanup(maxAgeDays: number): Promise<CleanupResult> {
  return fetchJson<CleanupResult>(`${API}/cleanup`, {
    method: "POST",
    headers: { ...adminHeaders(), "content-type": "application/json" },
    body: JSON.stringify({ maxAgeDays }),
  });
}

/** The listing's wire form. */
interface FilesResponse {
  recordings: {
    sessionId: string;
    bytes: number;
    modifiedAt?: string | number | null;
    complete?: boolean | null;
  }[];
  cursor?: string | null;
}

function toEntry(
  userId: string,
  entry: FilesResponse["recordings"][number],
): RecordingEntry {
  const modified =
    entry.modifiedAt === undefined || entry.modifiedAt === null
      ? null
      : new Date(entry.modifiedAt).getTime();
  return {
    userId,
    sessionId: entry.sessionId,
    path: `${userId}/${entry.sessionId}`,
    bytes: entry.bytes,
    modifiedAt: modified,
    complete: entry.complete ?? null,
  };
}
