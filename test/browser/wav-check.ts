import { parseWav } from "../../src/audio/wav.ts";

/** What the browser tests check in a downloaded recording. */
export interface WavSummary {
  sampleRate: number;
  channels: number;
  dataBytes: number;
  durationSeconds: number;
  /** Root mean square of the samples, as a share of full scale. */
  rms: number;
}

export function summarizeWav(file: Uint8Array): WavSummary {
  const wav = parseWav(file);
  const samples = new Int16Array(
    file.buffer.slice(
      file.byteOffset + wav.dataOffset,
      file.byteOffset + wav.dataOffset + wav.dataBytes - (wav.dataBytes % 2),
    ),
  );
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  const rms =
    samples.length === 0 ? 0 : Math.sqrt(sum / samples.length) / 32768;
  const bytesPerSecond = wav.format.sampleRate * wav.format.channels * 2;
  return {
    sampleRate: wav.format.sampleRate,
    channels: wav.format.channels,
    dataBytes: wav.dataBytes,
    durationSeconds: wav.dataBytes / bytesPerSecond,
    rms,
  };
}
