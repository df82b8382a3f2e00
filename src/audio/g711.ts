import type { G711Encoding } from "./format.ts";

/**
 * G.711 decoding (ITU-T Recommendation G.711, 1988) to 16-bit linear PCM.
 *
 * Mu-law codes expand to 14-bit values and A-law codes to 13-bit values.
 * Following the usual convention, both are scaled to 16 bits (by 4 and by 8),
 * so mu-law spans -32124..32124 and A-law -32256..32256.
 */

/** Code that decodes to zero (mu-law) or the smallest positive step (A-law). */
export const G711_SILENCE_BYTE: Record<G711Encoding, number> = {
  mulaw: 0xff,
  alaw: 0xd5,
};

/** Decodes one mu-law code: bits are inverted, then sign, segment, step. */
function decodeMulaw(code: number): number {
  const inverted = ~code & 0xff;
  const segment = (inverted >> 4) & 0x07;
  const step = inverted & 0x0f;
  // The encoder adds a bias of 33 (132 at 16 bits) so segments double cleanly.
  const magnitude = (((step << 3) + 0x84) << segment) - 0x84;
  return inverted & 0x80 ? -magnitude : magnitude;
}

/** Decodes one A-law code: even bits are inverted and a set sign bit is positive. */
function decodeAlaw(code: number): number {
  const toggled = code ^ 0x55;
  const segment = (toggled >> 4) & 0x07;
  const step = toggled & 0x0f;
  const magnitude =
    segment === 0 ? (step << 4) + 8 : ((step << 4) + 0x108) << (segment - 1);
  return toggled & 0x80 ? magnitude : -magnitude;
}

function buildTable(decode: (code: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) table[code] = decode(code);
  return table;
}

const TABLES: Record<G711Encoding, Int16Array> = {
  mulaw: buildTable(decodeMulaw),
  alaw: buildTable(decodeAlaw),
};

/** Returns the 16-bit linear value of one G.711 code. */
export function decodeG711Sample(encoding: G711Encoding, code: number): number {
  return TABLES[encoding][code & 0xff]!;
}

/**
 * Decodes G.711 bytes into little-endian PCM16 bytes: `target` receives
 * 2 bytes per code, starting at `targetOffset`.
 */
export function decodeG711Into(
  encoding: G711Encoding,
  codes: Uint8Array,
  target: Uint8Array,
  targetOffset = 0,
): void {
  const table = TABLES[encoding];
  if (targetOffset + codes.length * 2 > target.length) {
    throw new RangeError(
      `target of ${target.length} bytes cannot hold ${codes.length} decoded samples at ${targetOffset}`,
    );
  }
  for (let i = 0; i < codes.length; i++) {
    const value = table[codes[i]!]!;
    const at = targetOffset + i * 2;
    target[at] = value & 0xff;
    target[at + 1] = (value >> 8) & 0xff;
  }
}

/** Decodes G.711 bytes into a new little-endian PCM16 buffer. */
export function decodeG711(
  encoding: G711Encoding,
  codes: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(codes.length * 2);
  decodeG711Into(encoding, codes, out);
  return out;
}
