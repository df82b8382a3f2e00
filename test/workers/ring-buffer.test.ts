import { describe, expect, it } from "vitest";
import { RingBuffer } from "../../src/audio/ring-buffer.ts";

function bytes(from: number, to: number): Uint8Array {
  return Uint8Array.from({ length: to - from }, (_, i) => (from + i) & 0xff);
}

describe("RingBuffer", () => {
  it("keeps the newest bytes across wrap-around", () => {
    const ring = new RingBuffer(10);
    ring.write(bytes(0, 4));
    ring.write(bytes(4, 9));
    ring.write(bytes(9, 15));

    expect(ring.end).toBe(15);
    expect(ring.start).toBe(5);
    expect(ring.length).toBe(10);
    expect(ring.read(5, 15)).toEqual(bytes(5, 15));
    expect(ring.read(8, 12)).toEqual(bytes(8, 12));
  });

  it("keeps the tail of a write larger than capacity", () => {
    const ring = new RingBuffer(8);
    ring.write(bytes(0, 3));
    ring.write(bytes(3, 23));

    expect(ring.start).toBe(15);
    expect(ring.read(15, 23)).toEqual(bytes(15, 23));
  });

  it("wraps many times with odd-sized writes", () => {
    const ring = new RingBuffer(7);
    let offset = 0;
    for (let i = 0; i < 50; i++) {
      const size = (i % 5) + 1;
      ring.write(bytes(offset, offset + size));
      offset += size;
      expect(ring.read(ring.start, ring.end)).toEqual(
        bytes(ring.start, ring.end),
      );
    }
  });

  it("rejects ranges it no longer holds", () => {
    const ring = new RingBuffer(4);
    ring.write(bytes(0, 10));

    expect(() => ring.read(5, 10)).toThrow(/outside the ring/);
    expect(() => ring.read(6, 11)).toThrow(/outside the ring/);
  });

  it("starts empty after skipTo", () => {
    const ring = new RingBuffer(6);
    ring.write(bytes(0, 4));
    ring.skipTo(10);

    expect(ring.start).toBe(10);
    expect(ring.length).toBe(0);
    ring.write(bytes(10, 13));
    expect(ring.read(10, 13)).toEqual(bytes(10, 13));
    expect(() => ring.read(3, 4)).toThrow(/outside the ring/);
  });
});

describe("RingBuffer.view", () => {
  it("views a range without copying", () => {
    const ring = new RingBuffer(10);
    ring.write(bytes(0, 6));

    const view = ring.view(1, 5);
    expect(view).toEqual(bytes(1, 5));
    ring.write(bytes(6, 12));
    // The view tracks the ring: offsets 11 and 12 wrote over its first byte.
    expect(view?.[0]).toBe(11);
  });

  it("returns null for a wrapping range", () => {
    const ring = new RingBuffer(10);
    ring.write(bytes(0, 14));

    expect(ring.view(8, 12)).toBeNull();
    expect(ring.read(8, 12)).toEqual(bytes(8, 12));
  });
});
