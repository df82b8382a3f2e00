import { isContainer } from "../audio/format.ts";
import type { SessionRecord, SessionStore } from "../storage/session-store.ts";
import { manifestKey, segmentKey } from "../storage/keys.ts";
import {
  writeManifest,
  type Manifest,
  type SegmentEntry,
} from "../storage/manifest.ts";
import { nextContainerSegment } from "./container-segments.ts";
import type { SegmentRange, SessionAudio } from "./session-audio.ts";

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
  const next = nextUpload(store, audio, record);
  if (!next) return null;

  const { range, body, prefixBytes, extension, contentType } = next;
  const key = segmentKey(
    record.userId,
    record.sessionId,
    range.start,
    extension,
  );
  await bucket.put(key, body, {
    httpMetadata: { contentType },
    customMetadata: {
      start: String(range.start),
      end: String(range.end),
      prefixBytes: String(prefixBytes),
    },
  });

  const segment = {
    key,
    start: range.start,
    end: range.end,
    uploadedAt: Date.now(),
  };
  store.saveSegment(segment);
  if (prefixBytes > 0) store.containers.savePrefix(range.start, prefixBytes);
  audio.markUploaded(range.end);
  return { ...segment, ...(prefixBytes > 0 ? { prefixBytes } : {}) };
}

interface PlannedUpload {
  range: SegmentRange;
  body: Uint8Array;
  prefixBytes: number;
  extension: string;
  contentType: string;
}

/**
 * Returns the next range to upload and the object body. Raw audio is cut anywhere;
 * webm and ogg are cut at media boundaries and prefixed with their
 * initialization segment (see nextContainerSegment).
 */
function nextUpload(
  store: SessionStore,
  audio: SessionAudio,
  record: SessionRecord,
): PlannedUpload | null {
  const format = record.format;
  if (format && isContainer(format)) {
    const final = record.state !== "streaming";
    const segment = nextContainerSegment(
      format.encoding,
      store.containers,
      audio,
      final,
      MAX_SEGMENT_BYTES,
    );
    if (!segment) return null;
    return {
      range: segment.range,
      body: segment.body,
      prefixBytes: segment.prefix.length,
      extension: format.encoding,
      contentType: format.encoding === "ogg" ? "audio/ogg" : "audio/webm",
    };
  }

  const range = audio.nextSegment(MAX_SEGMENT_BYTES);
  if (!range) return null;
  return {
    range,
    body: audio.read(range),
    prefixBytes: 0,
    extension: "pcm",
    contentType: "application/octet-stream",
  };
}

/** Builds the manifest from the object's segment and gap tables. */
export function buildManifest(
  store: SessionStore,
  audio: SessionAudio,
  record: SessionRecord,
  complete: boolean,
): Manifest {
  if (!record.format) throw new Error("a manifest needs a declared format");
  const container = isContainer(record.format);
  const prefixes = container ? store.containers.prefixes() : new Map();
  const segments = store.segments().map((segment) => {
    const prefixBytes = prefixes.get(segment.start) ?? 0;
    return prefixBytes > 0 ? { ...segment, prefixBytes } : segment;
  });
  const audioBytes = segments.reduce((sum, s) => sum + s.end - s.start, 0);
  const lastEnd = segments.reduce((end, s) => Math.max(end, s.end), 0);
  return {
    version: 1,
    userId: record.userId,
    sessionId: record.sessionId,
    format: record.format,
    segments,
    gaps: audio.gaps.filter((gap) => gap.start < lastEnd),
    ...(container ? { parts: manifestParts(store, lastEnd) } : {}),
    startedAt: new Date(record.startedAt || Date.now()).toISOString(),
    endedAt: new Date().toISOString(),
    totalBytes: lastEnd,
    audioBytes,
    complete,
  };
}

/** Lists the parts whose first byte is stored, with their init lengths. */
function manifestParts(store: SessionStore, lastEnd: number) {
  return store.containers
    .parts()
    .filter((part) => part.start < lastEnd)
    .map((part) => ({ start: part.start, initBytes: part.init.length }));
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
