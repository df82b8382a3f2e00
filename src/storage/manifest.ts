import type { AudioFormat } from "../audio/format.ts";

/** One stored segment: the audio bytes [start, end) of the session's stream. */
export interface SegmentEntry {
  key: string;
  start: number;
  end: number;
  /** Milliseconds since the epoch. */
  uploadedAt: number;
  /**
   * Bytes in the object before stream byte `start`: the container
   * initialization segment a webm or ogg segment is prefixed with so that it
   * plays on its own. Absent or 0 for raw audio.
   */
  prefixBytes?: number;
}

/** Stream bytes [start, end) that the client skipped; served as silence. */
export interface GapEntry {
  start: number;
  end: number;
}

/**
 * One recorder's output in a webm or ogg session. A second container header
 * in the stream starts a new part, so parts are never spliced together.
 */
export interface ContainerPart {
  /** Stream offset of the part's container header. */
  start: number;
  /**
   * Length of the initialization segment at [start, start + initBytes): the
   * EBML header, Segment, Info and Tracks for webm, or the header pages for
   * ogg. 0 until the first media data of the part was found.
   */
  initBytes: number;
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
  /** Container parts in stream order; present for webm and ogg sessions. */
  parts?: ContainerPart[];
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

/** A manifest read from R2 with the object's entity tag. */
export interface StoredManifest {
  manifest: Manifest;
  /** Quoted entity tag; it changes whenever the manifest is rewritten. */
  etag: string;
}

/** Reads a manifest, or returns null when the recording has none. */
export async function readManifest(
  bucket: R2Bucket,
  key: string,
): Promise<Manifest | null> {
  return (await readStoredManifest(bucket, key))?.manifest ?? null;
}

/** Reads a manifest with its entity tag, or null when there is none. */
export async function readStoredManifest(
  bucket: R2Bucket,
  key: string,
): Promise<StoredManifest | null> {
  const object = await bucket.get(key);
  if (!object) return null;
  return {
    manifest: (await object.json()) as Manifest,
    etag: object.httpEtag,
  };
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
