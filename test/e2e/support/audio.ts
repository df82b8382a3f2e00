import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { bytesPerSecond } from "../../../src/audio/format.ts";
import { parseWav } from "../../../src/audio/wav.ts";
import type { StreamFormat } from "../../../src/client/audio-stream-client.ts";

const ROOT = resolve(import.meta.dirname, "../../..");

/** 11 s of one speaker, PCM16 at 16 kHz mono, with a 78-byte header. */
export const JFK_WAV = resolve(
  ROOT,
  "../shared/fixtures/audio/speech-en-jfk-16k-mono.wav",
);
/** 157.8 s of read speech, PCM16 at 16 kHz mono, with a 44-byte header. */
export const SONNETS_WAV = resolve(
  ROOT,
  "../shared/fixtures/audio/speech-en-librivox-sonnets-16k-mono-158s.wav",
);

/** The PCM data of a WAV file and its format. */
export interface Pcm {
  format: StreamFormat;
  data: Uint8Array;
  bytesPerSecond: number;
}

export function readPcm(path: string): Pcm {
  const file = readFileSync(path);
  const wav = parseWav(file);
  const data = file.subarray(wav.dataOffset, wav.dataOffset + wav.dataBytes);
  return {
    format: wav.format,
    data,
    bytesPerSecond: bytesPerSecond(wav.format),
  };
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Index of the first byte where `a` and `b` differ, or -1 when they are equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}
