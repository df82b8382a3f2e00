import type { G711Encoding } from "../audio/format.ts";
import { decodeG711 } from "../audio/g711.ts";
import type { Piece, RecordingFile } from "./recording.ts";

/** Largest chunk written for a fill, in bytes. */
const FILL_CHUNK_BYTES = 64 * 1024;

/** Writes bytes [from, to) of a planned file, then closes `writable`. */
export async function writeFileRange(
  bucket: R2Bucket,
  file: RecordingFile,
  from: number,
  to: number,
  writable: WritableStream<Uint8Array>,
): Promise<void> {
  const writer = writable.getWriter();
  try {
    for (const piece of file.pieces) {
      const length = piece.kind === "bytes" ? piece.bytes.length : piece.length;
      const start = Math.max(from, piece.fileStart);
      const end = Math.min(to, piece.fileStart + length);
      if (start >= end) continue;
      await writePiece(
        bucket,
        piece,
        start - piece.fileStart,
        end - start,
        writer,
      );
    }
    await writer.close();
  } catch (error) {
    await writer.abort(error).catch(() => undefined);
    throw error;
  }
}

type Writer = WritableStreamDefaultWriter<Uint8Array>;

/** Writes `length` bytes of one piece, starting `within` bytes into it. */
async function writePiece(
  bucket: R2Bucket,
  piece: Piece,
  within: number,
  length: number,
  writer: Writer,
): Promise<void> {
  if (piece.kind === "bytes") {
    await writer.write(piece.bytes.subarray(within, within + length));
  } else if (piece.kind === "fill") {
    await writeFill(piece.pattern, within, length, writer);
  } else if (piece.decode) {
    await writeDecoded(bucket, piece, piece.decode, within, length, writer);
  } else {
    await pipeObject(
      bucket,
      piece.key,
      piece.objectOffset + within,
      length,
      writer,
    );
  }
}

/** Writes a repeated pattern; `within` sets the phase of the first byte. */
async function writeFill(
  pattern: Uint8Array,
  within: number,
  length: number,
  writer: Writer,
): Promise<void> {
  const period = pattern.length;
  const chunkBytes = Math.min(
    length + period,
    FILL_CHUNK_BYTES - (FILL_CHUNK_BYTES % period),
  );
  const chunk = new Uint8Array(chunkBytes);
  for (let i = 0; i < chunk.length; i++) chunk[i] = pattern[i % period]!;

  let phase = within % period;
  for (let left = length; left > 0;) {
    const take = Math.min(left, chunk.length - phase);
    await writer.write(chunk.subarray(phase, phase + take));
    left -= take;
    phase = (phase + take) % period;
  }
}

/**
 * Reads the stored G.711 bytes behind file bytes [within, within + length)
 * of a decoded piece and writes their PCM16 decoding, trimming the half
 * sample at either end when the range starts or stops mid-sample.
 */
async function writeDecoded(
  bucket: R2Bucket,
  piece: Extract<Piece, { kind: "segment" }>,
  encoding: G711Encoding,
  within: number,
  length: number,
  writer: Writer,
): Promise<void> {
  const first = Math.floor(within / 2);
  const last = Math.ceil((within + length) / 2);
  const body = await readObject(
    bucket,
    piece.key,
    piece.objectOffset + first,
    last - first,
  );

  let skip = within % 2;
  let left = length;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done || left === 0) break;
    const decoded = decodeG711(encoding, value);
    const out = decoded.subarray(skip, skip + left);
    skip = Math.max(0, skip - decoded.length);
    left -= out.length;
    if (out.length > 0) await writer.write(out);
  }
  await reader.cancel().catch(() => undefined);
  if (left > 0) {
    throw new Error(`segment ${piece.key} ended ${left} bytes early`);
  }
}

async function pipeObject(
  bucket: R2Bucket,
  key: string,
  offset: number,
  length: number,
  writer: Writer,
): Promise<void> {
  const body = await readObject(bucket, key, offset, length);
  let left = length;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    left -= value.length;
    await writer.write(value);
  }
  if (left !== 0) {
    throw new Error(
      `segment ${key} returned ${length - left} of ${length} bytes`,
    );
  }
}

async function readObject(
  bucket: R2Bucket,
  key: string,
  offset: number,
  length: number,
): Promise<ReadableStream<Uint8Array>> {
  const object = await bucket.get(key, { range: { offset, length } });
  if (!object) throw new Error(`segment ${key} is missing from the bucket`);
  return object.body;
}
