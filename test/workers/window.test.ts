import { expect, it } from "vitest";
import { parseWav } from "../../src/audio/wav.ts";
import {
  BASE,
  fetchAs,
  openSession,
  receivedAtLeast,
  sendFrames,
  testAudio,
  uniqueId,
} from "./helpers.ts";

const BYTES_PER_SECOND = 32_000;

async function fetchWindow(userId: string, sessionId: string, query: string) {
  return fetchAs(userId, `${BASE}/v1/sessions/${sessionId}/window?${query}`);
}

it("window returns exactly the last N seconds", async () => {
  const userId = uniqueId("user");
  const sessionId = uniqueId("window");
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");
  const audio = testAudio(5 * BYTES_PER_SECOND);
  sendFrames(socket, audio);
  await receivedAtLeast(socket, audio.length);

  const response = await fetchWindow(userId, sessionId, "seconds=2");
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("audio/wav");
  const file = new Uint8Array(await response.arrayBuffer());
  const wav = parseWav(file);
  expect(wav.format).toEqual({
    encoding: "pcm_s16le",
    sampleRate: 16_000,
    channels: 1,
  });
  expect(wav.dataBytes).toBe(2 * BYTES_PER_SECOND);
  expect(file.subarray(wav.dataOffset)).toEqual(
    audio.subarray(3 * BYTES_PER_SECOND),
  );
  socket.ws.close(1000);
});

it("window after wrap-around holds the newest audio", async () => {
  const userId = uniqueId("user");
  const sessionId = uniqueId("wrap");
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");
  // 125 s overfills the 120 s window, so the ring has wrapped.
  const audio = testAudio(125 * BYTES_PER_SECOND, 3);
  sendFrames(socket, audio, 32_000);
  await receivedAtLeast(socket, audio.length);

  const response = await fetchWindow(userId, sessionId, "seconds=120");
  const file = new Uint8Array(await response.arrayBuffer());
  const wav = parseWav(file);
  expect(wav.dataBytes).toBe(120 * BYTES_PER_SECOND);
  expect(file.subarray(wav.dataOffset)).toEqual(
    audio.subarray(5 * BYTES_PER_SECOND),
  );
  socket.ws.close(1000);
});

it("window rejects seconds outside the window", async () => {
  const userId = uniqueId("user");
  const sessionId = uniqueId("badwindow");
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");
  sendFrames(socket, testAudio(6400));
  await receivedAtLeast(socket, 6400);

  for (const query of [
    "seconds=0",
    "seconds=121",
    "seconds=abc",
    "seconds=-1",
  ]) {
    const response = await fetchWindow(userId, sessionId, query);
    expect(response.status, query).toBe(400);
    const body = (await response.json()) as {
      error: { code: string; message: string };
    };
    expect(body.error.code).toBe("invalid_seconds");
  }
  socket.ws.close(1000);
});

it("window of an unknown session is 404", async () => {
  const response = await fetchWindow("nobody", uniqueId("none"), "seconds=1");
  expect(response.status).toBe(404);
  await response.arrayBuffer();
});
