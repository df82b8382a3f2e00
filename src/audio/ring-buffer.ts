/**
 * A fixed-capacity byte ring addressed by absolute stream offsets.
 *
 * Offsets count every byte ever written, so `end` only grows and the ring
 * contains the bytes in [start, end) where start = max(base, end - capacity).
 * The backing store is allocated once. Writes and reads copy into it or out
 * of it without allocating per frame.
 */
export class RingBuffer {
  readonly capacity: number;
  private readonly bytes: Uint8Array;
  private endOffset: number;
  private baseOffset: number;

  constructor(capacity: number, startOffset = 0) {
    if (!Number.isInteger(capacity) || capacity <= 0) {
      throw new RangeError(
        `ring capacity must be a positive integer, got ${capacity}`,
      );
    }
    this.capacity = capacity;
    this.bytes = new Uint8Array(capacity);
    this.endOffset = startOffset;
    this.baseOffset = startOffset;
  }

  /** Offset one past the newest byte written. */
  get end(): number {
    return this.endOffset;
  }

  /** Offset of the oldest byte still held. */
  get start(): number {
    return Math.max(this.baseOffset, this.endOffset - this.capacity);
  }

  /** Bytes currently held. */
  get length(): number {
    return this.endOffset - this.start;
  }

  /** Appends bytes, overwriting the oldest once the ring is full. */
  write(chunk: Uint8Array): void {
    let source = chunk;
    if (source.length > this.capacity) {
      this.endOffset += source.length - this.capacity;
      source = source.subarray(source.length - this.capacity);
    }

    const at = this.endOffset % this.capacity;
    const first = Math.min(source.length, this.capacity - at);
    this.bytes.set(
      first === source.length ? source : source.subarray(0, first),
      at,
    );
    if (first < source.length) this.bytes.set(source.subarray(first), 0);
    this.endOffset += source.length;
  }

  /**
   * Skips forward to `offset` without data, as after a gap. The ring then
   * contains nothing before it.
   */
  skipTo(offset: number): void {
    if (offset < this.endOffset) {
      throw new RangeError(
        `cannot skip back from ${this.endOffset} to ${offset}`,
      );
    }
    this.endOffset = offset;
    this.baseOffset = offset;
  }

  /** Copies [from, to) into `target` at `targetOffset`; the range must be held. */
  copyTo(from: number, to: number, target: Uint8Array, targetOffset = 0): void {
    if (from < this.start || to > this.endOffset || from > to) {
      throw new RangeError(
        `range [${from}, ${to}) is outside the ring's [${this.start}, ${this.endOffset})`,
      );
    }
    const length = to - from;
    const at = from % this.capacity;
    const first = Math.min(length, this.capacity - at);
    target.set(this.bytes.subarray(at, at + first), targetOffset);
    if (first < length) {
      target.set(this.bytes.subarray(0, length - first), targetOffset + first);
    }
  }

  /**
   * Returns [from, to) as a view into the ring without copying, or null when
   * the range wraps around the end of the backing store. The view changes
   * as later writes overwrite the ring, so use it before the next write.
   */
  view(from: number, to: number): Uint8Array | null {
    if (from < this.start || to > this.endOffset || from > to) {
      throw new RangeError(
        `range [${from}, ${to}) is outside the ring's [${this.start}, ${this.endOffset})`,
      );
    }
    const at = from % this.capacity;
    if (at + (to - from) > this.capacity) return null;
    return this.bytes.subarray(at, at + (to - from));
  }

  /** Returns a copy of [from, to). */
  read(from: number, to: number): Uint8Array {
    const out = new Uint8Array(to - from);
    this.copyTo(from, to, out);
    return out;
  }
}
