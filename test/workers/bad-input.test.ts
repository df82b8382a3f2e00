import { expect, it } from "vitest";
import {
  BASE,
  fetchAs,
  concat,
  openSession,
  receivedAtLeast,
  testAudio,
  uniqueId,
} from "./helpers.ts";

const NO_FORMAT = {};
const INVALID_CLOSE_CODES = [1005, 1006, 1015];

it("oversized frame closes with 1009 and keeps earlier audio", async () => {
  const [userId, sessionId] = [uniqueId("user"), uniqueId("big")];
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");
  const kept = testAudio(6_400);
  socket.ws.send(kept);
  await receivedAtLeast(socket, kept.length);

  socket.ws.send(new Uint8Array(65_537));
  const error = await socket.next("error");
  expect(error.code).toBe("frame_too_large");
  expect(error.message).toContain("65537");
  expect((await socket.closed).code).toBe(1009);

  const resumed = await openSession(userId, sessionId);
  const ready = await resumed.next("ready");
  expect((ready.offsets as { received: number }).received).toBe(kept.length);
  resumed.json({ type: "stop" });
  await resumed.next("stopped");
});

it("audio before a format closes with 1002", async () => {
  const socket = await openSession(
    uniqueId("user"),
    uniqueId("noformat"),
    NO_FORMAT,
  );
  const ready = await socket.next("ready");
  expect(ready.state).toBe("idle");

  socket.ws.send(new Uint8Array(640));
  const error = await socket.next("error");
  expect(error.code).toBe("format_required");
  expect((await socket.closed).code).toBe(1002);
});

it.each([
  [
    { encoding: "flac", sampleRate: "16000", channels: "1" },
    /encoding "flac" is not supported/,
  ],
  [
    { encoding: "pcm_s16le", sampleRate: "7999", channels: "1" },
    /sampleRate "7999" is invalid/,
  ],
  [
    { encoding: "pcm_s16le", sampleRate: "16000", channels: "3" },
    /channels "3" is invalid/,
  ],
])("unsupported format %o closes with 1003", async (params, message) => {
  const socket = await openSession(
    uniqueId("user"),
    uniqueId("badformat"),
    params,
  );
  const error = await socket.next("error");
  expect(error.code).toBe("bad_format");
  expect(error.message).toMatch(message);
  expect((await socket.closed).code).toBe(1003);
});

it("malformed control messages keep the session going", async () => {
  const [userId, sessionId] = [uniqueId("user"), uniqueId("malformed")];
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");

  socket.ws.send("{not json");
  expect((await socket.next("error")).code).toBe("bad_message");
  socket.ws.send('"a string"');
  expect((await socket.next("error")).code).toBe("bad_message");
  socket.json({ type: "rewind" });
  const unknown = await socket.next("error");
  expect(unknown.code).toBe("unknown_message");
  expect(unknown.message).toContain('"rewind"');
  socket.json({ type: "start", offset: -4 });
  expect((await socket.next("error")).code).toBe("bad_message");

  socket.json({ type: "ping", id: 7 });
  expect(await socket.next("pong")).toMatchObject({ id: 7 });
  socket.ws.send(testAudio(640));
  await receivedAtLeast(socket, 640);
  socket.json({ type: "stop" });
  await socket.next("stopped");
  const closed = await socket.closed;
  expect(closed.code).toBe(1000);
  expect(INVALID_CLOSE_CODES).not.toContain(closed.code);
});

it("odd-length frames keep samples whole", async () => {
  const [userId, sessionId] = [uniqueId("user"), uniqueId("odd")];
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");
  const audio = testAudio(64_000, 5);
  const sizes = [641, 639, 1, 333, 1_001];
  const frames: Uint8Array[] = [];
  for (let at = 0, i = 0; at < audio.length; i++) {
    const size = sizes[i % sizes.length]!;
    frames.push(audio.slice(at, at + size));
    at += size;
  }
  for (const frame of frames) socket.ws.send(frame);
  socket.json({ type: "stop" });
  await socket.next("stopped");

  const response = await fetchAs(
    userId,
    `${BASE}/v1/recordings/${userId}/${sessionId}.wav`,
  );
  const file = new Uint8Array(await response.arrayBuffer());
  expect(file.subarray(44)).toEqual(concat(...frames));
  expect(new DataView(file.buffer).getUint32(40, true) % 2).toBe(0);
});

it("audio after stop is rejected with 1008", async () => {
  const [userId, sessionId] = [uniqueId("user"), uniqueId("afterstop")];
  const first = await openSession(userId, sessionId);
  await first.next("ready");
  first.ws.send(testAudio(640));
  first.json({ type: "stop" });
  await first.next("stopped");

  const second = await openSession(userId, sessionId);
  const ready = await second.next("ready");
  expect(ready.state).toBe("stopped");
  second.ws.send(testAudio(640));
  expect((await second.next("error")).code).toBe("session_stopped");
  expect((await second.closed).code).toBe(1008);
});
