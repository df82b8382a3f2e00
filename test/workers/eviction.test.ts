import { abortAllDurableObjects, evictDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import {
  BASE,
  fetchAs,
  concat,
  openSession,
  receivedAtLeast,
  sendFrames,
  sessionStub,
  testAudio,
  uniqueId,
} from "./helpers.ts";

it("graceful eviction keeps audio and asks for a resync", async () => {
  const [userId, sessionId] = [uniqueId("user"), uniqueId("evict")];
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");
  const first = testAudio(64_000, 1);
  sendFrames(socket, first);
  await receivedAtLeast(socket, first.length);

  // Eviction drains pending work first, like hibernation: the idle journal
  // write runs, so nothing received is lost.
  await evictDurableObject(sessionStub(userId, sessionId));

  // The socket survived, but the woken object has lost the client's
  // position, so it drops the frame and requests a resume.
  socket.ws.send(new Uint8Array(640));
  const resync = await socket.until(
    (m) => m.type === "ready" && m.reason === "resync",
  );
  const offsets = resync.offsets as { received: number; journaled: number };
  expect(offsets.received).toBe(first.length);
  expect(offsets.journaled).toBe(first.length);

  socket.json({ type: "start", offset: offsets.journaled });
  const second = testAudio(8_000, 3);
  sendFrames(socket, second);
  socket.json({ type: "stop" });
  const stopped = await socket.next("stopped");
  expect(stopped.uploaded).toBe(first.length + second.length);

  const response = await fetchAs(
    userId,
    `${BASE}/v1/recordings/${userId}/${sessionId}.wav`,
  );
  const file = new Uint8Array(await response.arrayBuffer());
  expect(file.subarray(44)).toEqual(concat(first, second));
});

it("abort loses only un-journaled audio, and resume restores it", async () => {
  const [userId, sessionId] = [uniqueId("user"), uniqueId("abort")];
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");

  // Journaled: the object journals once the client has been quiet for 2 s.
  const first = testAudio(64_000, 1);
  sendFrames(socket, first);
  await socket.until(
    (m) => m.type === "ack" && m.journaled === first.length,
    10_000,
  );

  // Received only: acknowledged as received, then lost with the object's memory.
  const second = testAudio(16_000, 2);
  sendFrames(socket, second);
  await receivedAtLeast(socket, first.length + second.length);
  await abortAllDurableObjects();
  await socket.closed;

  // The client resumes from its durable offset and resends the rest.
  const resumed = await openSession(userId, sessionId, {
    encoding: "pcm_s16le",
    sampleRate: "16000",
    channels: "1",
    offset: String(first.length),
  });
  const ready = await resumed.next("ready");
  const offsets = ready.offsets as { received: number; journaled: number };
  expect(offsets.received).toBe(first.length);
  expect(offsets.journaled).toBe(first.length);

  sendFrames(resumed, second);
  resumed.json({ type: "stop" });
  await resumed.next("stopped");

  const response = await fetchAs(
    userId,
    `${BASE}/v1/recordings/${userId}/${sessionId}.wav`,
  );
  const file = new Uint8Array(await response.arrayBuffer());
  expect(file.subarray(44)).toEqual(concat(first, second));
});

it("a reconnect below the received offset drops duplicates", async () => {
  const [userId, sessionId] = [uniqueId("user"), uniqueId("dupes")];
  const audio = testAudio(48_000, 9);
  const first = await openSession(userId, sessionId);
  await first.next("ready");
  sendFrames(first, audio.subarray(0, 32_000));
  await receivedAtLeast(first, 32_000);
  first.ws.close(1000);
  await first.closed;

  // The client resends from 16,000 although the server already has 32,000.
  const second = await openSession(userId, sessionId, {
    encoding: "pcm_s16le",
    sampleRate: "16000",
    channels: "1",
    offset: "16000",
  });
  const ready = await second.next("ready");
  expect((ready.offsets as { received: number }).received).toBe(32_000);
  sendFrames(second, audio.subarray(16_000));
  second.json({ type: "stop" });
  await second.next("stopped");

  const response = await fetchAs(
    userId,
    `${BASE}/v1/recordings/${userId}/${sessionId}.wav`,
  );
  const file = new Uint8Array(await response.arrayBuffer());
  expect(file.subarray(44)).toEqual(audio);
});

it("a resume past the received offset records a gap of silence", async () => {
  const [userId, sessionId] = [uniqueId("user"), uniqueId("gap")];
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");
  const before = testAudio(3_200, 1);
  sendFrames(socket, before);
  await receivedAtLeast(socket, before.length);

  socket.json({ type: "start", offset: 6_400 });
  await socket.until((m) => m.type === "ready" && m.reason === "started");
  const after = testAudio(3_200, 2);
  sendFrames(socket, after);
  socket.json({ type: "stop" });
  await socket.next("stopped");

  const response = await fetchAs(
    userId,
    `${BASE}/v1/recordings/${userId}/${sessionId}.wav`,
  );
  const file = new Uint8Array(await response.arrayBuffer());
  expect(file.subarray(44)).toEqual(
    concat(before, new Uint8Array(3_200), after),
  );
});
