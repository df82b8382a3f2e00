import type { AudioFormat } from "../audio/format.ts";
import { WAV_HEADER_BYTES, wavFileBytes, wavHeader } from "../audio/wav.ts";
import type { Manifest } from "./manifest.ts";

/** One run of the WAV file: the header, a stored segment, or silence. */
type Part =
  | { kind: "bytes"; fileStart: number; bytes: Uint8Array }
  | { kind: "segment"; fileStart: number; length: number; key: string }
  | { kind: "silence"; fileStart: number; length: number };

/** Byte value that decodes to silence; PCM16 silence is all zero bytes. */
function silenceByte(_format: AudioFormat): number {
  return 0;
}

/**
 * Lays out a recording's WAV file: one header, then the stream's bytes in
 * offset order, with silence where no segment covers the stream.
 */
export function planRecording(manifest: Manifest): {
  size: number;
  parts: Part[];
} {
  const total = manifest.totalBytes;
  const parts: Part[] = [
    { kind: "bytes", fileStart: 0, bytes: wavHeader(manifest.format, total) },
  ];
  const segments = [...manifest.segments].sort((a, b) => a.start - b.start);

  let offset = 0;
  for (const segment of segments) {
    const start = Math.max(segment.start, offset);
    if (segment.end <= start) continue;
    if (start > offset) {
      parts.push(silence(offset, start - offset));
    }
    parts.push({
      kind: "segment",
      fileStart: WAV_HEADER_BYTES + start,
      length: segment.end - start,
      key: segment.key,
    });
    offset = segment.end;
  }
  if (offset < total) parts.push(silence(offset, total - offset));
  if (total % 2 === 1) {
    parts.push({
      kind: "bytes",
      fileStart: WAV_HEADER_BYTES + total,
      bytes: new Uint8Array(1),
    });
  }
  return { size: wavFileBytes(total), parts };
}

function silence(dataStart: number, length: number): Part {
  return { kind: "silence", fileStart: WAV_HEADER_BYTES + dataStart, length };
}

const SILENCE_CHUNK_BYTES = 64 * 1024;

/**
 * Writes bytes [from, to) of the planned file to `writable`, one part at a
 * time, so memory stays constant whatever the recording's length.
 */
export async function writeRecordingRange(
  bucket: R2Bucket,
  manifest: Manifest,
  from: number,
  to: number,
  writable: WritableStream<Uint8Array>,
): Promise<void> {
  const { parts } = planRecording(manifest);
  const fill = silenceByte(manifest.format);
  for (const part of parts) {
    const length = part.kind === "bytes" ? part.bytes.length : part.length;
    const start = Math.max(from, part.fileStart);
    const end = Math.min(to, part.fileStart + length);
    if (start >= end) continue;

    const within = start - part.fileStart;
    if (part.kind === "bytes") {
      await writeChunk(
        writable,
        part.bytes.subarray(within, within + end - start),
      );
    } else if (part.kind === "silence") {
      await writeSilence(writable, end - start, fill);
    } else {
      await pipeSegment(bucket, part.key, within, end - start, writable);
    }
  }
  await writable.close();
}

async function writeChunk(
  writable: WritableStream<Uint8Array>,
  chunk: Uint8Array,
) {
  const writer = writable.getWriter();
  try {
    await writer.write(chunk);
  } finally {
    writer.releaseLock();
  }
}

async function writeSilence(
  writable: WritableStream<Uint8Array>,
  length: number,
  fill: number,
) {
  const chunk = new Uint8Array(Math.min(length, SILENCE_CHUNK_BYTES)).fill(
    fill,
  );
  for (let left = length; left > 0; left -= chunk.length) {
    await writeChunk(
      writable,
      left >= chunk.length ? chunk : chunk.subarray(0, left),
    );
  }
}

async function pipeSegment(
  bucket: R2Bucket,
  key: string,
  offset: number,
  length: number,
  writable: WritableStream<Uint8Array>,
) {
  const object = await bucket.get(key, { range: { offset, length } });
  if (!object) throw new Error(`segment ${key} is missing from the bucket`);
  await object.body.pipeTo(writable, { preventClose: true });
}
