import { env, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { RingBuffer } from "../../src/audio/ring-buffer.ts";
import {
  MAX_JOURNAL_ROW_BYTES,
  SessionAudio,
} from "../../src/session/session-audio.ts";
import { SessionStore } from "../../src/storage/session-store.ts";

/** Appends `bytes` in 10-byte frames and returns the session's audio. */
function streamed(state: DurableObjectState, bytes: Uint8Array) {
  const store = new SessionStore(state.storage);
  const audio = new SessionAudio(store, new RingBuffer(100), 0, []);
  for (let at = 0; at < bytes.length; at += 10) {
    audio.append(bytes.subarray(at, at + 10));
  }
  return audio;
}

const BYTES = Uint8Array.from({ length: 1_000 }, (_, i) => i % 251);

function freshStub() {
  return env.AUDIO_SESSION.get(
    env.AUDIO_SESSION.idFromName(crypto.randomUUID()),
  );
}

it("read of segment behind the ring", async () => {
  await runInDurableObject(freshStub(), (_instance, state) => {
    const audio = streamed(state, BYTES);
    // The ring contains [900, 1000), so [0, 300) comes from the journal alone.
    const segment = audio.nextSegment(300);
    expect(segment).toEqual({ start: 0, end: 300 });
    expect(Array.from(audio.read(segment!))).toEqual(
      Array.from(BYTES.subarray(0, 300)),
    );
  });
});

it("read of segment spanning journal and ring", async () => {
  await runInDurableObject(freshStub(), (_instance, state) => {
    const audio = streamed(state, BYTES);
    const segment = audio.nextSegment(950);
    expect(segment).toEqual({ start: 0, end: 950 });
    expect(Array.from(audio.read(segment!))).toEqual(
      Array.from(BYTES.subarray(0, 950)),
    );
  });
});

it("journal rows stay under the row limit", async () => {
  await runInDurableObject(freshStub(), (_instance, state) => {
    const store = new SessionStore(state.storage);
    const total = 2 * MAX_JOURNAL_ROW_BYTES + 4_321;
    const audio = new SessionAudio(store, new RingBuffer(total), 0, []);
    const bytes = Uint8Array.from({ length: total }, (_, i) => (i * 31) % 256);
    audio.append(bytes);
    audio.flushJournal();

    const rows = state.storage.sql
      .exec<{ bytes: number }>("SELECT length(data) AS bytes FROM journal")
      .toArray()
      .map((row) => row.bytes);
    expect(rows).toEqual([MAX_JOURNAL_ROW_BYTES, MAX_JOURNAL_ROW_BYTES, 4_321]);
    expect(audio.journaled).toBe(total);
    const joined = store.readJournal(0, total).map((row) => row.data);
    expect(Buffer.concat(joined).equals(Buffer.from(bytes))).toBe(true);
  });
});
