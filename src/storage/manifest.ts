import type { AudioFormat } from "../audio/format.ts";

/** One stored segment: the audio bytes [start, end) of the session's stream. */
export interface SegmentEntry {
  key: string;
  start: number;
  end: number;
  /** Milliseconds since the epoch. */
  uploadedAt: number;
}

/** Stream bytes [start, end) that the client skipped; served as silence. */
export interface GapEntry {
  start: number;
  end: number;
}

/**
 * The index of one recording, rewritten after every upload so that it
 * always lists every stored segment.
 */
export interface Manifest {
  version: 1;
  userId: string;
  sessionId: string;
  format: AudioFormat;
  segments: SegmentEntry[];
  gaps: GapEntry[];
  /** ISO 8601 time of the first audio. */
  startedAt: string;
  /** ISO 8601 time of the last upload, or of the stop. */
  endedAt: string;
  /** Length of the stream in bytes, gaps included. */
  totalBytes: number;
  /** Bytes of stored audio, gaps excluded. */
  audioBytes: number;
  /** True once the client sent stop and every byte was uploaded. */
  complete: boolean;
}

/** Reads a manifest, or returns null when the recording has none. */
export async function readManifest(
  bucket: R2Bucket,
  key: string,
): Promise<Manifest | null> {
  const object = await bucket.get(key);
  if (!object) return null;
  return (await object.json()) as Manifest;
}

/** Writes a manifest as JSON. */
export async function writeManifest(
  bucket: R2Bucket,
  key: string,
  manifest: Manifest,
): Promise<void> {
  await bucket.put(key, JSON.stringify(manifest), {
    httpMetadata: { contentType: "application/json" },
    customMetadata: {
      complete: String(manifest.complete),
      totalBytes: String(manifest.totalBytes),
    },
  });
}
