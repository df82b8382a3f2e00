import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import type { AudioSession } from "../../durable-objects/audio-session.ts";
import { segmentKey, sessionPrefix } from "../../src/storage/keys.ts";
import {
  concat,
  listKeys,
  openSession,
  readObject,
  receivedAtLeast,
  sendFrames,
  sessionStub,
  testAudio,
  uniqueId,
} from "./helpers.ts";

/** Replaces the session object's bucket, as a fault-injecting wrapper would. */
async function replaceBucket(
  userId: string,
  sessionId: string,
  bucket: R2Bucket,
) {
  await runInDurableObject(
    sessionStub(userId, sessionId),
    (instance: AudioSession) => {
      (instance as unknown as { bucket: R2Bucket }).bucket = bucket;
    },
  );
}

function wrapPut(put: R2Bucket["put"]): R2Bucket {
  return new Proxy(env.AUDIO_BUCKET, {
    get(target, property) {
      if (property === "put") return put;
      const value = Reflect.get(target, property) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function waitUntil(test: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

it("alarm uploads a segment with the right bytes", async () => {
  const [userId, sessionId] = [uniqueId("user"), uniqueId("alarm")];
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");
  const audio = testAudio(96_000);
  sendFrames(socket, audio);
  await receivedAtLeast(socket, audio.length);

  expect(await runDurableObjectAlarm(sessionStub(userId, sessionId))).toBe(
    true,
  );

  const uploaded = await socket.next("uploaded");
  expect(uploaded).toMatchObject({
    start: 0,
    end: audio.length,
    key: segmentKey(userId, sessionId, 0),
  });
  expect(await readObject(segmentKey(userId, sessionId, 0))).toEqual(audio);
  const ack = await socket.until(
    (m) => m.type === "ack" && m.uploaded === audio.length,
  );
  expect(ack.journaled).toBe(audio.length);
  socket.ws.close(1000);
});

it("audio during an upload lands in the next segment", async () => {
  const [userId, sessionId] = [uniqueId("user"), uniqueId("inflight")];
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");
  const first = testAudio(64_000, 1);
  sendFrames(socket, first);
  await receivedAtLeast(socket, first.length);

  let release!: () => void;
  let putStarted = false;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await replaceBucket(
    userId,
    sessionId,
    wrapPut(async (key, value, options) => {
      putStarted = true;
      await gate;
      return env.AUDIO_BUCKET.put(key, value, options);
    }),
  );

  const stub = sessionStub(userId, sessionId);
  const alarm = runDurableObjectAlarm(stub);
  // Poll from the test's own context: I/O started inside the object's
  // context cannot be used to send on the test's socket.
  await waitUntil(() => putStarted);
  const second = testAudio(32_000, 2);
  sendFrames(socket, second);
  await receivedAtLeast(socket, first.length + second.length);
  release();
  await alarm;

  await replaceBucket(userId, sessionId, env.AUDIO_BUCKET);
  await runDurableObjectAlarm(stub);
  expect(await readObject(segmentKey(userId, sessionId, 0))).toEqual(first);
  expect(await readObject(segmentKey(userId, sessionId, first.length))).toEqual(
    second,
  );
  socket.ws.close(1000);
});

it("retried alarm overwrites rather than duplicates", async () => {
  const [userId, sessionId] = [uniqueId("user"), uniqueId("retry")];
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");
  const audio = testAudio(48_000, 4);
  sendFrames(socket, audio);
  await receivedAtLeast(socket, audio.length);

  // The put stores the object, then reports failure, as a lost response would.
  await replaceBucket(
    userId,
    sessionId,
    wrapPut(async (key, value, options) => {
      await env.AUDIO_BUCKET.put(key, value, options);
      throw new Error("injected: response lost after store");
    }),
  );
  const stub = sessionStub(userId, sessionId);
  await runDurableObjectAlarm(stub);
  const failed = await runInDurableObject(stub, (_instance, state) =>
    state.storage.getAlarm(),
  );
  expect(failed).not.toBeNull();

  await replaceBucket(userId, sessionId, env.AUDIO_BUCKET);
  const more = testAudio(16_000, 5);
  sendFrames(socket, more);
  await receivedAtLeast(socket, audio.length + more.length);
  await runDurableObjectAlarm(stub);

  const segments = (await listKeys(sessionPrefix(userId, sessionId))).filter(
    (k) => k.endsWith(".pcm"),
  );
  expect(segments).toEqual([segmentKey(userId, sessionId, 0)]);
  expect(await readObject(segments[0]!)).toEqual(concat(audio, more));
  socket.ws.close(1000);
});

it("emergency flush fires at the memory threshold", async () => {
  const [userId, sessionId] = [uniqueId("user"), uniqueId("emergency")];
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");
  const stub = sessionStub(userId, sessionId);
  const getAlarm = () =>
    runInDurableObject(stub, (_i, state) => state.storage.getAlarm());

  // The test configuration sets AUDIO_STORAGE_MAX_MEMORY_MB to 1.
  const below = testAudio(1024 * 1024 - 64_000, 6);
  sendFrames(socket, below, 32_000);
  await receivedAtLeast(socket, below.length);
  const regular = await getAlarm();
  expect(regular).not.toBeNull();
  expect(regular! - Date.now()).toBeGreaterThan(30_000);

  const sentAt = Date.now();
  sendFrames(socket, testAudio(128_000, 7), 32_000);
  const uploaded = await socket.next("uploaded", 15_000);
  expect(uploaded.start).toBe(0);
  expect(uploaded.end as number).toBeGreaterThan(1024 * 1024);
  // The regular alarm was a minute away; only the emergency flush uploads this soon.
  expect(Date.now() - sentAt).toBeLessThan(30_000);
  socket.ws.close(1000);
});
