import { afterAll, beforeAll, expect, it } from "vitest";
import {
  startDevServer,
  type DevServer,
} from "../../scripts/lib/dev-server.ts";
import { firstDifference, JFK_WAV, readPcm, sha256 } from "./support/audio.ts";
import {
  eventsOf,
  recordedClient,
  sendPaced,
  stopAndDownload,
} from "./support/stream.ts";
import { stopAndRemove } from "./support/server.ts";
import { sleep, withTimeout } from "./support/wait.ts";

const USER = "e2e-user";
const SILENCE_MS = 60_000;

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer();
});

afterAll(async () => {
  await stopAndRemove(server);
});

it(
  "minute without frames continues the recording",
  async () => {
    const pcm = readPcm(JFK_WAV);
    const sessionId = `quiet-${Date.now()}`;
    const { client, events } = recordedClient(
      server.url,
      USER,
      sessionId,
      pcm.format,
    );
    await withTimeout(client.connect(), 15_000, "first ready");
    const half = pcm.data.length / 2;
    const pace = {
      speed: 4,
      bytesPerSecond: pcm.bytesPerSecond,
      chunkBytes: 640,
    };

    // A muted microphone sends nothing; the socket stays open, so the
    // object may hibernate and must rebuild its state when audio returns.
    await sendPaced(client, pcm.data.subarray(0, half), pace);
    await sleep(SILENCE_MS);
    await sendPaced(client, pcm.data.subarray(half), pace);
    const recording = await stopAndDownload(
      server.url,
      client,
      USER,
      sessionId,
    );

    const woke = server
      .output()
      .split("\n")
      .filter((line) => line.includes('"event":"session_woke"'))
      .filter((line) => line.includes(sessionId));
    console.log(
      `after ${SILENCE_MS} ms without frames: ${woke.length} wake-up(s), ` +
        `ready reasons ${eventsOf(events, "ready")
          .map((e) => e.reason)
          .join(", ")}`,
    );
    expect(eventsOf(events, "reconnecting")).toEqual([]);
    expect(recording.complete).toBe(true);
    expect(recording.data.length).toBe(pcm.data.length);
    expect(firstDifference(recording.data, pcm.data)).toBe(-1);
    expect(sha256(recording.data)).toBe(sha256(pcm.data));
  },
  SILENCE_MS + 90_000,
);

it("minute of zero samples is kept", async () => {
  const pcm = readPcm(JFK_WAV);
  const sessionId = `zeros-${Date.now()}`;
  const { client } = recordedClient(server.url, USER, sessionId, pcm.format);
  await withTimeout(client.connect(), 15_000, "first ready");
  const half = pcm.data.length / 2;
  const zeros = new Uint8Array((SILENCE_MS / 1000) * pcm.bytesPerSecond);
  const expected = Buffer.concat([
    pcm.data.subarray(0, half),
    zeros,
    pcm.data.subarray(half),
  ]);
  const pace = {
    speed: 8,
    bytesPerSecond: pcm.bytesPerSecond,
    chunkBytes: 640,
  };

  // A client that keeps sending while muted sends 20 ms frames of zeros.
  await sendPaced(client, expected, pace);
  const recording = await stopAndDownload(server.url, client, USER, sessionId);

  expect(recording.complete).toBe(true);
  expect(recording.data.length).toBe(expected.length);
  expect(firstDifference(recording.data, expected)).toBe(-1);
  expect(sha256(recording.data)).toBe(sha256(expected));
});
