import { RingBuffer } from "../audio/ring-buffer.ts";
import { log, errorMessage } from "../log.ts";
import type { SegmentEntry } from "../storage/manifest.ts";
import type { SessionRecord, SessionStore } from "../storage/session-store.ts";
import { SessionAudio } from "./session-audio.ts";

/**
 * Rebuilds a session's audio after the object was evicted or woke from
 * hibernation. Memory is lost on both, so the received offset falls back to
 * what storage holds: the journal's end, or the uploaded offset. The window
 * is refilled from the tail of the stored segments, then from the journal.
 */
export async function restoreAudio(
  store: SessionStore,
  bucket: R2Bucket,
  record: SessionRecord,
  capacity: number,
): Promise<SessionAudio> {
  const gaps = store.gaps();
  const lastGapEnd = gaps.reduce((end, gap) => Math.max(end, gap.end), 0);
  const received = Math.max(record.uploaded, store.journalEnd(), lastGapEnd);

  // The window contains only contiguous audio, so it never reaches back across a gap.
  const windowStart = Math.max(received - capacity, lastGapEnd, 0);
  let ring = new RingBuffer(capacity, windowStart);
  if (windowStart < record.uploaded) {
    try {
      await writeSegments(ring, bucket, store.segments(), record.uploaded);
    } catch (error) {
      log.warn("window_restore_failed", {
        sessionId: record.sessionId,
        error: errorMessage(error),
      });
      ring = new RingBuffer(capacity, Math.max(windowStart, record.uploaded));
    }
  }

  for (const row of store.readJournal(ring.end, received)) {
    const skip = Math.max(0, ring.end - row.start);
    ring.write(row.data.subarray(skip));
  }
  return new SessionAudio(store, ring, record.uploaded, gaps);
}

/** Appends stored audio from the ring's end up to `to`, reading R2 ranges. */
async function writeSegments(
  ring: RingBuffer,
  bucket: R2Bucket,
  segments: SegmentEntry[],
  to: number,
): Promise<void> {
  for (const segment of segments) {
    if (segment.end <= ring.end || ring.end >= to) continue;
    if (segment.start > ring.end) {
      throw new Error(`no stored segment contains stream offset ${ring.end}`);
    }

    const start = ring.end;
    const end = Math.min(segment.end, to);
    const object = await bucket.get(segment.key, {
      range: { offset: start - segment.start, length: end - start },
    });
    if (!object) throw new Error(`segment ${segment.key} is missing`);
    ring.write(new Uint8Array(await object.arrayBuffer()));
  }
}
