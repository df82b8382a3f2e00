import { afterAll, beforeAll, expect, it } from "vitest";
import {
  startDevServer,
  type DevServer,
} from "../../scripts/lib/dev-server.ts";
import { firstDifference, JFK_WAV, readPcm, sha256 } from "./support/audio.ts";
import {
  downloadRecording,
  eventsOf,
  recordedClient,
  sendPaced,
  stopAndDownload,
} from "./support/stream.ts";
import { stopAndRemove } from "./support/server.ts";
import { withTimeout } from "./support/wait.ts";

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer();
});

afterAll(async () => {
  await stopAndRemove(server);
});

it("dropped connections resume without loss", async () => {
  const pcm = readPcm(JFK_WAV);
  const sessionId = `drops-${Date.now()}`;
  const { client, events } = recordedClient(
    server.url,
    "e2e-user",
    sessionId,
    pcm.format,
  );
  await withTimeout(client.connect(), 15_000, "first ready");

  // 20 ms chunks. The first drop comes before the first journal write, so
  // the server has bytes the client does not yet know are durable.
  const chunkBytes = 640;
  const chunks = Math.ceil(pcm.data.length / chunkBytes);
  const dropAt = new Set(
    [0.15, 0.35, 0.55, 0.75].map((s) => Math.floor(s * chunks)),
  );
  await sendPaced(client, pcm.data, {
    speed: 2,
    bytesPerSecond: pcm.bytesPerSecond,
    chunkBytes,
    beforeChunk: (index) => {
      if (dropAt.has(index)) client.dropConnection();
    },
  });
  const recording = await stopAndDownload(
    server.url,
    client,
    "e2e-user",
    sessionId,
  );

  expect(eventsOf(events, "reconnecting").length).toBeGreaterThanOrEqual(4);
  expect(eventsOf(events, "ready").length).toBeGreaterThanOrEqual(5);
  expect(recording.complete).toBe(true);
  expect(recording.data.length).toBe(pcm.data.length);
  expect(firstDifference(recording.data, pcm.data)).toBe(-1);
  expect(sha256(recording.data)).toBe(sha256(pcm.data));
});

it("drop right after stop still completes", async () => {
  const pcm = readPcm(JFK_WAV);
  const sessionId = `drop-stop-${Date.now()}`;
  const { client, events } = recordedClient(
    server.url,
    "e2e-user",
    sessionId,
    pcm.format,
  );
  await withTimeout(client.connect(), 15_000, "first ready");
  await sendPaced(client, pcm.data, {
    speed: 8,
    bytesPerSecond: pcm.bytesPerSecond,
    chunkBytes: 640,
  });

  // The stop reaches the server, but its reply does not reach the client,
  // which then resends the bytes it has not seen acknowledged.
  const stopped = client.stop();
  client.dropConnection();
  await withTimeout(stopped, 60_000, "stop after the drop");
  const recording = await downloadRecording(server.url, "e2e-user", sessionId);

  expect(eventsOf(events, "reconnecting").length).toBeGreaterThanOrEqual(1);
  expect(eventsOf(events, "error")).toEqual([]);
  expect(recording.complete).toBe(true);
  expect(firstDifference(recording.data, pcm.data)).toBe(-1);
  expect(sha256(recording.data)).toBe(sha256(pcm.data));
});
