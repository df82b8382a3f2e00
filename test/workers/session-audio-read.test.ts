import { env, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { RingBuffer } from "../../src/audio/ring-buffer.ts";
import { SessionAudio } from "../../src/session/session-audio.ts";
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
