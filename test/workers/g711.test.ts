import { describe, expect, it } from "vitest";
import {
  decodeG711,
  decodeG711Sample,
  G711_SILENCE_BYTE,
} from "../../src/audio/g711.ts";

/**
 * Reference decoders built from the segment tables of ITU-T G.711 (Tables
 * 1 and 2): each segment is an interval of the uniform scale split into 16
 * equal steps, and a code decodes to the middle of its step. This takes the
 * interval end points as data instead of the shift arithmetic the decoder
 * uses.
 */

/** A-law: 13-bit magnitudes; segment 0 and 1 both have steps of 2. */
const ALAW_SEGMENT_STARTS = [0, 32, 64, 128, 256, 512, 1024, 2048, 4096];

function referenceAlaw(code: number): number {
  // Even bits are inverted on the line (G.711 section 2 note on A-law).
  const bits = code ^ 0x55;
  const positive = (bits & 0x80) !== 0;
  const segment = (bits >> 4) & 0x07;
  const step = bits & 0x0f;
  const low = ALAW_SEGMENT_STARTS[segment]!;
  const high = ALAW_SEGMENT_STARTS[segment + 1]!;
  const width = (high - low) / 16;
  const middle = low + width * step + width / 2;
  // 13-bit value scaled to 16 bits.
  return (positive ? middle : -middle) * 8;
}

/**
 * Mu-law: 14-bit magnitudes biased by 33; segment s spans biased values
 * [32 * 2^s, 64 * 2^s) in 16 steps.
 */
function referenceMulaw(code: number): number {
  // All bits are inverted on the line.
  const bits = ~code & 0xff;
  const negative = (bits & 0x80) !== 0;
  const segment = (bits >> 4) & 0x07;
  const step = bits & 0x0f;
  const low = 32 * 2 ** segment;
  const width = (64 * 2 ** segment - low) / 16;
  const middle = low + width * step + width / 2 - 33;
  // 14-bit value scaled to 16 bits; segment 0, step 0 decodes to 0.
  const magnitude = middle * 4;
  return negative ? -magnitude : magnitude;
}

describe("G.711 decoding", () => {
  it("matches the mu-law table for all 256 codes", () => {
    for (let code = 0; code < 256; code++) {
      // toEqual treats -0 (code 0x7f) and +0 (code 0xff) as the same value.
      expect(decodeG711Sample("mulaw", code), `code ${code}`).toEqual(
        referenceMulaw(code) + 0,
      );
    }
  });

  it("matches the A-law table for all 256 codes", () => {
    for (let code = 0; code < 256; code++) {
      expect(decodeG711Sample("alaw", code), `code ${code}`).toBe(
        referenceAlaw(code),
      );
    }
  });

  it("decodes the documented end points", () => {
    expect(decodeG711Sample("mulaw", 0x80)).toBe(32124);
    expect(decodeG711Sample("mulaw", 0x00)).toBe(-32124);
    expect(decodeG711Sample("mulaw", 0xff)).toBe(0);
    expect(decodeG711Sample("mulaw", 0x7f)).toBe(0);
    expect(decodeG711Sample("alaw", 0xaa)).toBe(32256);
    expect(decodeG711Sample("alaw", 0x2a)).toBe(-32256);
    expect(decodeG711Sample("alaw", 0xd5)).toBe(8);
    expect(decodeG711Sample("alaw", 0x55)).toBe(-8);
  });

  it("silence bytes decode to the smallest magnitude", () => {
    expect(decodeG711Sample("mulaw", G711_SILENCE_BYTE.mulaw)).toBe(0);
    expect(decodeG711Sample("alaw", G711_SILENCE_BYTE.alaw)).toBe(8);
  });

  it("writes little-endian PCM16", () => {
    const pcm = decodeG711("mulaw", new Uint8Array([0x80, 0x00, 0xff]));
    const view = new DataView(pcm.buffer);
    expect(pcm.length).toBe(6);
    expect(view.getInt16(0, true)).toBe(32124);
    expect(view.getInt16(2, true)).toBe(-32124);
    expect(view.getInt16(4, true)).toBe(0);
  });
});
