import {
  isContainer,
  isG711,
  type AudioFormat,
  type G711Encoding,
} from "../audio/format.ts";
import { G711_SILENCE_BYTE, decodeG711Sample } from "../audio/g711.ts";
import { WAV_HEADER_BYTES, wavFileBytes, wavHeader } from "../audio/wav.ts";
import type { ContainerPart, Manifest, SegmentEntry } from "./manifest.ts";

/**
 * One run of a served file: literal bytes (a header), a range of a stored
 * segment object, or a repeated fill pattern (silence). With `decode` set,
 * the run is G.711 in storage and served as PCM16, 2 file bytes per stored
 * byte.
 */
export type Piece =
  | { kind: "bytes"; fileStart: number; bytes: Uint8Array }
  | {
      kind: "segment";
      fileStart: number;
      /** Length in file bytes. */
      length: number;
      key: string;
      /** Object offset of the run's first stored byte. */
      objectOffset: number;
      decode?: G711Encoding;
    }
  | { kind: "fill"; fileStart: number; length: number; pattern: Uint8Array };

/** A served file laid out as pieces in file order. */
export interface RecordingFile {
  size: number;
  contentType: string;
  /** File name extension, without the dot. */
  extension: string;
  pieces: Piece[];
}

/** Raised for a part number the recording does not have. */
export class PartNotFoundError extends Error {
  override name = "PartNotFoundError";
}

/**
 * Lays out a recording as the file it is served as: a WAV for PCM and G.711
 * sessions, or one container part for webm and ogg sessions (`part` counts
 * from 1).
 */
export function planRecording(manifest: Manifest, part = 1): RecordingFile {
  if (isContainer(manifest.format)) return planContainerPart(manifest, part);
  if (part !== 1) {
    throw new PartNotFoundError(
      `part ${part} does not exist: a ${manifest.format.encoding} recording has one part`,
    );
  }
  return planWav(manifest);
}

/**
 * Returns the format a WAV download declares. G.711 is decoded to PCM16,
 * the WAV encoding that readers (browsers included) support most widely,
 * while support for WAV format codes 6 and 7 varies. Decoding maps each code
 * to its exact G.711 value (a table test checks all 256 codes).
 */
export function servedWavFormat(format: AudioFormat): AudioFormat {
  if (!isG711(format)) return format;
  return { ...format, encoding: "pcm_s16le" };
}

/** Served bytes per stored byte: 2 for G.711 decoded to PCM16, else 1. */
function expansion(format: AudioFormat): 1 | 2 {
  return isG711(format) ? 2 : 1;
}

/** Lays out a WAV: one header, then the stream with silence in the gaps. */
function planWav(manifest: Manifest): RecordingFile {
  const format = manifest.format;
  const factor = expansion(format);
  const dataBytes = manifest.totalBytes * factor;
  const decode = isG711(format) ? format.encoding : undefined;
  const silence = silencePattern(format);
  const pieces: Piece[] = [
    {
      kind: "bytes",
      fileStart: 0,
      bytes: wavHeader(servedWavFormat(format), dataBytes),
    },
  ];

  let offset = 0;
  for (const run of coveredRuns(manifest.segments, 0, manifest.totalBytes)) {
    if (run.start > offset) {
      pieces.push(fill(offset, run.start, factor, silence));
    }
    pieces.push({
      kind: "segment",
      fileStart: WAV_HEADER_BYTES + run.start * factor,
      length: (run.end - run.start) * factor,
      key: run.segment.key,
      objectOffset: objectOffset(run.segment, run.start),
      ...(decode ? { decode } : {}),
    });
    offset = run.end;
  }
  if (offset < manifest.totalBytes) {
    pieces.push(fill(offset, manifest.totalBytes, factor, silence));
  }
  if (dataBytes % 2 === 1) {
    pieces.push({
      kind: "bytes",
      fileStart: WAV_HEADER_BYTES + dataBytes,
      bytes: new Uint8Array(1),
    });
  }
  return {
    size: wavFileBytes(dataBytes),
    contentType: "audio/wav",
    extension: "wav",
    pieces,
  };
}

function fill(
  start: number,
  end: number,
  factor: number,
  pattern: Uint8Array,
): Piece {
  return {
    kind: "fill",
    fileStart: WAV_HEADER_BYTES + start * factor,
    length: (end - start) * factor,
    pattern,
  };
}

/**
 * Returns the served bytes of silence: zero for PCM16, and the decoded value of the
 * G.711 idle code (mu-law 0xFF decodes to 0, A-law 0xD5 to +8).
 */
function silencePattern(format: AudioFormat): Uint8Array {
  if (!isG711(format)) return new Uint8Array([0]);
  const value = decodeG711Sample(
    format.encoding,
    G711_SILENCE_BYTE[format.encoding],
  );
  return new Uint8Array([value & 0xff, (value >> 8) & 0xff]);
}

/**
 * Lays out one container part: the stored bytes of the part in stream order.
 * The part's first segment starts with its initialization segment, so the
 * file is a complete webm or ogg stream. Gaps are left out, because filler
 * bytes inside a container would be corrupt data.
 */
function planContainerPart(manifest: Manifest, part: number): RecordingFile {
  const parts = containerParts(manifest);
  const index = part - 1;
  const current = parts[index];
  if (!Number.isInteger(part) || !current) {
    throw new PartNotFoundError(
      `part ${part} does not exist: this recording has ${parts.length} part(s), numbered from 1`,
    );
  }
  const end = parts[index + 1]?.start ?? manifest.totalBytes;

  const pieces: Piece[] = [];
  let size = 0;
  for (const run of coveredRuns(manifest.segments, current.start, end)) {
    const length = run.end - run.start;
    pieces.push({
      kind: "segment",
      fileStart: size,
      length,
      key: run.segment.key,
      objectOffset: objectOffset(run.segment, run.start),
    });
    size += length;
  }
  const encoding = manifest.format.encoding;
  return {
    size,
    contentType: encoding === "ogg" ? "audio/ogg" : "audio/webm",
    extension: encoding,
    pieces,
  };
}

/** Lists a recording's container parts; a manifest without any has one at 0. */
export function containerParts(manifest: Manifest): ContainerPart[] {
  const parts = manifest.parts ?? [];
  return parts.length > 0 ? parts : [{ start: 0, initBytes: 0 }];
}

interface Run {
  segment: SegmentEntry;
  start: number;
  end: number;
}

/** Stream ranges within [from, to) that stored segments cover, in order. */
function coveredRuns(
  segments: SegmentEntry[],
  from: number,
  to: number,
): Run[] {
  const sorted = [...segments].sort((a, b) => a.start - b.start);
  const runs: Run[] = [];
  let offset = from;
  for (const segment of sorted) {
    const start = Math.max(segment.start, offset);
    const end = Math.min(segment.end, to);
    if (end <= start) continue;
    runs.push({ segment, start, end });
    offset = end;
  }
  return runs;
}

function objectOffset(segment: SegmentEntry, streamOffset: number): number {
  return (segment.prefixBytes ?? 0) + streamOffset - segment.start;
}
