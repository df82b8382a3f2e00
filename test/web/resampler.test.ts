import { describe, expect, it } from "vitest";
import { floatToPcm16, pcm16Rms } from "../../web/audio/pcm16.ts";
import { StreamingResampler } from "../../web/audio/resampler.ts";

function sine(rate: number, hz: number, seconds: number, amplitude = 0.5) {
  const samples = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < samples.length; i++) {
    samples[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return samples;
}

function rms(samples: Float32Array, from = 0): number {
  let sum = 0;
  for (let i = from; i < samples.length; i++) sum += samples[i]! ** 2;
  return Math.sqrt(sum / (samples.length - from));
}

function inBlocks(
  resampler: StreamingResampler,
  input: Float32Array,
  size: number,
) {
  const parts: Float32Array[] = [];
  for (let i = 0; i < input.length; i += size) {
    parts.push(resampler.process(input.subarray(i, i + size)));
  }
  const output = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    output.set(part, at);
    at += part.length;
  }
  return output;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++)
    max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function zeroCrossings(samples: Float32Array, from: number): number {
  let count = 0;
  for (let i = from + 1; i < samples.length; i++) {
    if (samples[i - 1]! < 0 !== samples[i]! < 0) count++;
  }
  return count;
}

describe("StreamingResampler", () => {
  it.each([48_000, 44_100, 22_050, 16_000, 8_000])(
    "keeps a 1 kHz tone from %i Hz",
    (rate) => {
      const output = inBlocks(
        new StreamingResampler(rate, 16_000),
        sine(rate, 1_000, 1),
        128,
      );
      // The kernel delays output by its reach, so the output runs a little short.
      expect(output.length).toBeGreaterThan(15_800);
      expect(output.length).toBeLessThanOrEqual(16_000);
      const settled = 400;
      expect(rms(output, settled)).toBeCloseTo(0.5 / Math.SQRT2, 2);
      // 1 kHz crosses zero 2000 times a second.
      const seconds = (output.length - settled) / 16_000;
      expect(zeroCrossings(output, settled) / seconds).toBeCloseTo(2_000, -1);
    },
  );

  it("removes tones above the output Nyquist frequency", () => {
    const output = inBlocks(
      new StreamingResampler(48_000, 16_000),
      sine(48_000, 10_000, 1),
      128,
    );
    expect(rms(output, 400)).toBeLessThan(0.005);
  });

  it("gives the same output for any block size", () => {
    const input = sine(44_100, 440, 0.5);
    const whole = new StreamingResampler(44_100, 16_000).process(input);
    const blocks = inBlocks(new StreamingResampler(44_100, 16_000), input, 128);
    const odd = inBlocks(new StreamingResampler(44_100, 16_000), input, 37);
    expect(blocks.length).toBe(whole.length);
    expect(odd.length).toBe(whole.length);
    // Block boundaries only change rounding in the output time arithmetic.
    expect(maxDifference(blocks, whole)).toBeLessThan(1e-6);
    expect(maxDifference(odd, whole)).toBeLessThan(1e-6);
  });

  it("rejects a non-positive rate", () => {
    expect(() => new StreamingResampler(0, 16_000)).toThrow(/positive/);
  });
});

describe("floatToPcm16", () => {
  it("scales and clamps to 16-bit range", () => {
    const pcm = floatToPcm16(new Float32Array([0, 1, -1, 2, -2, 0.5]));
    expect(Array.from(pcm)).toEqual([0, 32767, -32768, 32767, -32768, 16384]);
  });

  it("measures full-scale RMS as about 1", () => {
    expect(pcm16Rms(new Int16Array([32767, -32768]))).toBeCloseTo(1, 3);
    expect(pcm16Rms(new Int16Array(0))).toBe(0);
  });
});
