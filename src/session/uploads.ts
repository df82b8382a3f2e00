import type { SessionRecord, SessionStore } from "../storage/session-store.ts";
import { manifestKey, segmentKey } from "../storage/keys.ts";
import {
  writeManifest,
  type Manifest,
  type SegmentEntry,
} from "../storage/manifest.ts";
import type { SessionAudio } from "./session-audio.ts";

/**
 * Largest segment one put writes, in bytes. A backlog after a long outage is
 * uploaded as several segments of this size rather than one huge object.
 */
export const MAX_SEGMENT_BYTES = 32 * 1024 * 1024;

/** Delay before retry `failures` (1, 2, ...) of a failed upload, in ms. */
export function retryDelayMs(failures: number, intervalMs: number): number {
  const backoff = 1_000 * 2 ** Math.min(failures - 1, 10);
  return Math.min(backoff, intervalMs);
}

/**
 * Uploads the next pending range as one segment and records it. The range is
 * fixed before the put starts, so audio that arrives while the put awaits R2
 * belongs to the next segment: no gap and no overlap. A retry after a failure
 * (or after a put that stored the object and then threw) starts at the same
 * offset, so it overwrites the same key.
 */
export async function uploadNextSegment(
  bucket: R2Bucket,
  store: SessionStore,
  audio: SessionAudio,
  record: SessionRecord,
): Promise<SegmentEntry | null> {
  const range = audio.nextSegment(MAX_SEGMENT_BYTES);
  if (!range) return null;

  const key = segmentKey(record.userId, record.sessionId, range.start);
  const bytes = audio.read(range);
  await bucket.put(key, bytes, {
    httpMetadata: { contentType: "application/octet-stream" },
    customMetadata: { start: String(range.start), end: String(range.end) },
  });

  const segment = {
    key,
    start: range.start,
    end: range.end,
    uploadedAt: Date.now(),
  };
  store.saveSegment(segment);
  audio.markUploaded(range.end);
  return segment;
}

/** Builds the manifest from the object's segment and gap tables. */
export function buildManifest(
  store: SessionStore,
  audio: SessionAudio,
  record: SessionRecord,
  complete: boolean,
): Manifest {
  if (!record.format) throw new Error("a manifest needs a declared format");
  const segments = store.segments();
  const audioBytes = segments.reduce((sum, s) => sum + s.end - s.start, 0);
  const lastEnd = segments.reduce((end, s) => Math.max(end, s.end), 0);
  return {
    version: 1,
    userId: record.userId,
    sessionId: record.sessionId,
    format: record.format,
    segments,
    gaps: audio.gaps.filter((gap) => gap.start < lastEnd),
    startedAt: new Date(record.startedAt || Date.now()).toISOString(),
    endedAt: new Date().toISOString(),
    totalBytes: lastEnd,
    audioBytes,
    complete,
  };
}

/** Writes the manifest for the segments uploaded so far. */
export async function uploadManifest(
  bucket: R2Bucket,
  store: SessionStore,
  audio: SessionAudio,
  record: SessionRecord,
  complete: boolean,
): Promise<string> {
  const key = manifestKey(record.userId, record.sessionId);
  await writeManifest(
    bucket,
    key,
    buildManifest(store, audio, record, complete),
  );
  return key;
}
