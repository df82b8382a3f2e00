import { RingBuffer } from "../audio/ring-buffer.ts";
import type { GapEntry } from "../storage/manifest.ts";
import type { SessionStore } from "../storage/session-store.ts";

/** Largest journal row, in bytes; SQLite rows in a Durable Object hold at most 2 MB. */
export const MAX_JOURNAL_ROW_BYTES = 1024 * 1024;

/** A gap-free range of stream bytes ready to upload as one segment. */
export interface SegmentRange {
  start: number;
  end: number;
}

/**
 * The session's audio and its three offsets: received (in the ring),
 * journaled (in SQLite or R2) and uploaded (in R2).
 *
 * Invariant: every byte in [uploaded, received) outside a gap is in the ring
 * or in the journal. Before a write would push un-journaled bytes out of the
 * ring, those bytes are journaled first, so even with the periodic journal
 * off nothing is dropped to make room.
 */
export class SessionAudio {
  readonly ring: RingBuffer;
  private journaledOffset: number;
  private uploadedOffset: number;
  private readonly gapList: GapEntry[];

  constructor(
    private readonly store: SessionStore,
    ring: RingBuffer,
    uploaded: number,
    gaps: GapEntry[],
  ) {
    this.ring = ring;
    this.uploadedOffset = uploaded;
    this.journaledOffset = Math.max(uploaded, ring.end);
    this.gapList = gaps;
  }

  get received(): number {
    return this.ring.end;
  }

  get journaled(): number {
    return this.journaledOffset;
  }

  get uploaded(): number {
    return this.uploadedOffset;
  }

  get gaps(): readonly GapEntry[] {
    return this.gapList;
  }

  /** Bytes received and not yet in R2, gaps excluded. */
  get pendingBytes(): number {
    let pending = this.received - this.uploaded;
    for (const gap of this.gapList) {
      pending -= Math.max(
        0,
        Math.min(gap.end, this.received) - Math.max(gap.start, this.uploaded),
      );
    }
    return pending;
  }

  /** Bytes not in R2 that only the ring holds. */
  get pendingInMemoryBytes(): number {
    return this.received - Math.max(this.uploaded, this.ring.start);
  }

  /** Appends a chunk at the received offset. */
  append(chunk: Uint8Array): void {
    const overflow = this.ring.end + chunk.length - this.ring.capacity;
    if (overflow > this.journaledOffset) this.flushJournal();
    this.ring.write(chunk);
  }

  /**
   * Records that the client skipped stream bytes [received, offset): they
   * become a gap in the recording, never spliced together.
   */
  skipTo(offset: number): GapEntry {
    this.flushJournal();
    const gap = { start: this.received, end: offset };
    this.store.saveGap(gap);
    this.gapList.push(gap);
    this.ring.skipTo(offset);
    this.journaledOffset = offset;
    return gap;
  }

  /**
   * Writes the bytes received since the last journal write, in rows of at
   * most MAX_JOURNAL_ROW_BYTES: a burst from a fast client or a long
   * journal interval can exceed the 2 MB a SQLite row may hold in a
   * Durable Object.
   */
  flushJournal(): boolean {
    const to = this.ring.end;
    if (to <= this.journaledOffset) return false;

    while (this.journaledOffset < to) {
      const from = this.journaledOffset;
      const end = Math.min(to, from + MAX_JOURNAL_ROW_BYTES);
      // SQLite copies the bound bytes, so a view spares a copy unless it wraps.
      const bytes = this.ring.view(from, end) ?? this.ring.read(from, end);
      this.store.appendJournal(from, bytes);
      this.journaledOffset = end;
    }
    return true;
  }

  /**
   * Returns the next range to upload: it starts at the uploaded offset (past
   * any gap there) and stops at the received offset, the next gap or
   * `maxBytes`, whichever comes first. Null when nothing is pending.
   */
  nextSegment(maxBytes: number): SegmentRange | null {
    let start = this.uploadedOffset;
    for (const gap of this.gapList) {
      if (gap.start <= start && gap.end > start) start = gap.end;
    }

    let end = Math.min(this.received, start + maxBytes);
    for (const gap of this.gapList) {
      if (gap.start >= start && gap.start < end) end = gap.start;
    }
    return end > start ? { start, end } : null;
  }

  /** Copies stream bytes [start, end) from the journal and the ring. */
  read(range: SegmentRange): Uint8Array {
    const out = new Uint8Array(range.end - range.start);
    // Bytes older than the ring (or before a gap the ring skipped) are in the journal.
    const ringFrom = Math.min(
      range.end,
      Math.max(range.start, this.ring.start),
    );

    let covered = range.start;
    if (range.start < ringFrom) {
      for (const row of this.store.readJournal(range.start, ringFrom)) {
        const from = Math.max(row.start, covered);
        const to = Math.min(row.start + row.data.length, ringFrom);
        if (from > covered) break;
        out.set(
          row.data.subarray(from - row.start, to - row.start),
          from - range.start,
        );
        covered = to;
      }
      if (covered < ringFrom) {
        throw new Error(
          `journal is missing stream bytes [${covered}, ${ringFrom}) of segment [${range.start}, ${range.end})`,
        );
      }
    }
    if (ringFrom < range.end) {
      this.ring.copyTo(ringFrom, range.end, out, ringFrom - range.start);
    }
    return out;
  }

  /** Moves the uploaded offset to `offset` and drops what the journal no longer needs. */
  markUploaded(offset: number): void {
    this.uploadedOffset = Math.max(this.uploadedOffset, offset);
    this.journaledOffset = Math.max(this.journaledOffset, this.uploadedOffset);
    this.store.trimJournal(this.uploadedOffset);
  }
}
