import { bytesPerSecond } from "../audio/format.ts";
import { wavFileBytes } from "../audio/wav.ts";
import { PathError } from "../http/path-segments.ts";
import { manifestKey, userPrefix } from "../storage/keys.ts";
import { readManifest, type Manifest } from "../storage/manifest.ts";

/** Recordings per page unless the request sets `limit`. */
export const DEFAULT_PAGE_SIZE = 100;
/** Largest `limit` accepted; R2 lists at most 1,000 entries per call. */
export const MAX_PAGE_SIZE = 1_000;
/** Longest cursor accepted, in characters. */
const MAX_CURSOR_CHARS = 1_024;

/** One recording in a user's listing. */
export interface RecordingEntry {
  sessionId: string;
  /** Path for the download and delete routes. */
  path: string;
  /** Format the download route serves. */
  format: "wav";
  /** Encoding, sample rate and channels; null without a manifest. */
  audioFormat: Manifest["format"] | null;
  /** Size of the WAV download in bytes; null without a manifest. */
  sizeBytes: number | null;
  durationSeconds: number | null;
  /** ISO 8601 time of the first audio; null without a manifest. */
  createdAt: string | null;
  updatedAt: string | null;
  complete: boolean;
  segments: number;
}

export interface RecordingPage {
  userId: string;
  recordings: RecordingEntry[];
  /** Pass as `cursor` for the next page; null on the last page. */
  cursor: string | null;
}

/** Reads `limit` and `cursor` from the query; throws PathError for bad values. */
export function parsePageQuery(url: URL): {
  limit: number;
  cursor: string | undefined;
} {
  const limitText = url.searchParams.get("limit");
  const limit = limitText === null ? DEFAULT_PAGE_SIZE : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new PathError(
      `limit ${JSON.stringify(limitText)} is invalid: expected an integer from 1 to ${MAX_PAGE_SIZE}`,
    );
  }
  const cursor = url.searchParams.get("cursor") ?? undefined;
  if (
    cursor !== undefined &&
    (cursor === "" || cursor.length > MAX_CURSOR_CHARS)
  ) {
    throw new PathError(
      "cursor is invalid: pass the cursor of the previous page unchanged",
    );
  }
  return { limit, cursor };
}

function describe(
  userId: string,
  sessionId: string,
  manifest: Manifest | null,
): RecordingEntry {
  const path = `${userId}/${sessionId}.wav`;
  if (!manifest) {
    return {
      sessionId,
      path,
      format: "wav",
      audioFormat: null,
      sizeBytes: null,
      durationSeconds: null,
      createdAt: null,
      updatedAt: null,
      complete: false,
      segments: 0,
    };
  }
  return {
    sessionId,
    path,
    format: "wav",
    audioFormat: manifest.format,
    sizeBytes: wavFileBytes(manifest.totalBytes),
    durationSeconds: manifest.totalBytes / bytesPerSecond(manifest.format),
    createdAt: manifest.startedAt,
    updatedAt: manifest.endedAt,
    complete: manifest.complete,
    segments: manifest.segments.length,
  };
}

/**
 * Lists one page of a user's recordings: one R2 list call with a `/`
 * delimiter returns the session prefixes, and each manifest supplies the
 * figures.
 */
export async function listRecordings(
  bucket: R2Bucket,
  userId: string,
  page: { limit: number; cursor: string | undefined },
): Promise<RecordingPage> {
  const prefix = userPrefix(userId);
  const listing = await bucket.list({
    prefix,
    delimiter: "/",
    limit: page.limit,
    cursor: page.cursor,
  });
  const sessionIds = listing.delimitedPrefixes.map((entry) =>
    entry.slice(prefix.length, -1),
  );
  const recordings = await Promise.all(
    sessionIds.map(async (sessionId) =>
      describe(
        userId,
        sessionId,
        await readManifest(bucket, manifestKey(userId, sessionId)),
      ),
    ),
  );
  return {
    userId,
    recordings,
    cursor: listing.truncated ? listing.cursor : null,
  };
}
