/**
 * Client for the admin API under /api/audio-storage/. Every call sends the
 * admin bearer token from ./auth.ts.
 */
import type { RegistryStats } from "../../src/registry/types.ts";
import { adminHeaders } from "./auth.ts";
import { ensureOk, fetchJson, HttpError } from "./http.ts";

export type { RegistryStats, SessionStatus } from "../../src/registry/types.ts";
export type { Alert } from "../../src/registry/alerts.ts";

const API = "/api/audio-storage";

/**
 * One recording in `GET /api/audio-storage/files/{userId}`. This restates
 * the Worker's RecordingEntry, whose module needs the Workers runtime types
 * that cannot load beside the DOM types.
 */
export interface RecordingEntry {
  sessionId: string;
  /** `{userId}/{sessionId}.wav`, for the download and delete routes. */
  path: string;
  /** Size of the WAV download in bytes; null without a manifest. */
  sizeBytes: number | null;
  durationSeconds: number | null;
  /** ISO 8601 times of the first and last audio; null without a manifest. */
  createdAt: string | null;
  updatedAt: string | null;
  complete: boolean;
}

/** One page of a user's recordings; `cursor` is null on the last page. */
export interface RecordingPage {
  userId: string;
  recordings: RecordingEntry[];
  cursor: string | null;
}

/** Maximum cleanup calls per button press; the user presses again to continue. */
const MAX_CLEANUP_CALLS = 20;

/** Percent-encodes each segment of a `{userId}/{sessionId}.wav` path. */
function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

export function fetchStats(): Promise<RegistryStats> {
  return fetchJson<RegistryStats>(`${API}/stats`, { headers: adminHeaders() });
}

/** Lists one page of a user's recordings, starting at `cursor`. */
export function listRecordings(
  userId: string,
  cursor: string | null,
): Promise<RecordingPage> {
  const url = new URL(
    `${API}/files/${encodeURIComponent(userId)}`,
    location.origin,
  );
  if (cursor !== null) url.searchParams.set("cursor", cursor);
  return fetchJson<RecordingPage>(url, { headers: adminHeaders() });
}

/** Fetches a recording as one WAV file; `path` is the listing's `path`. */
export async function downloadRecording(path: string): Promise<Response> {
  return ensureOk(
    await fetch(`${API}/download/${encodePath(path)}`, {
      headers: adminHeaders(),
    }),
  );
}

/**
 * Deletes every object of a recording. The server rejects a live session
 * with 409 `session_live` unless `force` is set.
 */
export async function deleteRecording(
  path: string,
  force: boolean,
): Promise<{ deleted: number; path: string }> {
  const url = `${API}/files/${encodePath(path)}${force ? "?force=true" : ""}`;
  return fetchJson(url, { method: "DELETE", headers: adminHeaders() });
}

/** True for the error of deleting a session that is still streaming. */
export function isLiveSessionError(error: unknown): boolean {
  return error instanceof HttpError && error.code === "session_live";
}

/** Totals of a cleanup that may span several calls. */
export interface CleanupTotals {
  deletedRecordings: number;
  deletedObjects: number;
  skippedLive: number;
  scannedObjects: number;
  /** False when MAX_CLEANUP_CALLS calls did not reach the end of the bucket. */
  complete: boolean;
}

interface CleanupResponse extends Omit<CleanupTotals, "complete"> {
  complete: boolean;
  cursor: string | null;
}

/**
 * Deletes recordings older than `maxAgeDays` days. Each call scans a bounded
 * number of keys and returns a cursor while more remain, so this repeats
 * the call with that cursor, at most MAX_CLEANUP_CALLS times.
 */
export async function cleanup(
  maxAgeDays: number,
  onProgress: (totals: CleanupTotals) => void,
): Promise<CleanupTotals> {
  const totals: CleanupTotals = {
    deletedRecordings: 0,
    deletedObjects: 0,
    skippedLive: 0,
    scannedObjects: 0,
    complete: false,
  };
  let cursor: string | null = null;
  for (let call = 0; call < MAX_CLEANUP_CALLS; call++) {
    const result: CleanupResponse = await fetchJson<CleanupResponse>(
      `${API}/cleanup`,
      {
        method: "POST",
        headers: { ...adminHeaders(), "content-type": "application/json" },
        body: JSON.stringify({ maxAgeDays, cursor }),
      },
    );
    totals.deletedRecordings += result.deletedRecordings;
    totals.deletedObjects += result.deletedObjects;
    totals.skippedLive += result.skippedLive;
    totals.scannedObjects += result.scannedObjects;
    totals.complete = result.complete;
    onProgress(totals);
    if (result.complete || result.cursor === null) break;
    cursor = result.cursor;
  }
  return totals;
}
