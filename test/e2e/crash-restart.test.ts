import { afterAll, expect, it } from "vitest";
import {
  startDevServer,
  type DevServer,
} from "../../scripts/lib/dev-server.ts";
import { firstDifference, JFK_WAV, readPcm, sha256 } from "./support/audio.ts";
import { killAndRestart, stopAndRemove } from "./support/server.ts";
import {
  downloadRecording,
  eventsOf,
  recordedClient,
  sendPaced,
  stopAndDownload,
} from "./support/stream.ts";
import { sleep, withTimeout } from "./support/wait.ts";

let server: DevServer | undefined;

afterAll(async () => {
  await stopAndRemove(server);
});

it("killed server restarts and client resumes", async () => {
  server = await startDevServer();
  const pcm = readPcm(JFK_WAV);
  const sessionId = `crash-${Date.now()}`;
  // Enough attempts to outlast a wrangler restart on a loaded machine:
  // 250 ms doubling to 2 s, so about 60 s in all.
  const { client, events } = recordedClient(
    server.url,
    "e2e-user",
    sessionId,
    pcm.format,
    { maxReconnectDelayMs: 2_000, maxReconnectAttempts: 32 },
  );
  await withTimeout(client.connect(), 15_000, "first ready");

  // The server dies at 40% of the file and the client keeps sending into
  // its buffer while wrangler restarts in the background.
  const chunkBytes = 640;
  const killAt = Math.floor((0.4 * pcm.data.length) / chunkBytes);
  let restarted: Promise<DevServer> | undefined;
  await sendPaced(client, pcm.data, {
    speed: 2,
    bytesPerSecond: pcm.bytesPerSecond,
    chunkBytes,
    beforeChunk: (index) => {
      if (index === killAt && server) restarted = killAndRestart(server);
    },
  });
  expect(restarted).toBeDefined();
  server = await withTimeout(restarted!, 120_000, "wrangler restart");
  const recording = await stopAndDownload(
    server.url,
    client,
    "e2e-user",
    sessionId,
    90_000,
  );

  expect(eventsOf(events, "reconnecting").length).toBeGreaterThanOrEqual(1);
  expect(recording.complete).toBe(true);
  expect(recording.data.length).toBe(pcm.data.length);
  expect(firstDifference(recording.data, pcm.data)).toBe(-1);
  expect(sha256(recording.data)).toBe(sha256(pcm.data));
});

it("server killed during stop finishes", async () => {
  await stopAndRemove(server);
  // Every put waits a random 0 to 4 s, so the stop is still uploading when
  // the server dies.
  const vars = { AUDIO_STORAGE_FAULT_PUT_DELAY_MS: "4000" };
  server = await startDevServer({ vars });
  const pcm = readPcm(JFK_WAV);
  const sessionId = `crash-stop-${Date.now()}`;
  const { client, events } = recordedClient(
    server.url,
    "e2e-user",
    sessionId,
    pcm.format,
    { maxReconnectDelayMs: 2_000, maxReconnectAttempts: 32 },
  );
  await withTimeout(client.connect(), 15_000, "first ready");
  await sendPaced(client, pcm.data, {
    speed: 8,
    bytesPerSecond: pcm.bytesPerSecond,
    chunkBytes: 640,
  });

  const stopped = client.stop();
  await sleep(300);
  server = await killAndRestart(server, vars);
  await withTimeout(stopped, 90_000, "stop across the restart");
  const recording = await downloadRecording(server.url, "e2e-user", sessionId);

  expect(eventsOf(events, "reconnecting").length).toBeGreaterThanOrEqual(1);
  expect(recording.complete).toBe(true);
  expect(recording.data.length).toBe(pcm.data.length);
  expect(firstDifference(recording.data, pcm.data)).toBe(-1);
  expect(sha256(recording.data)).toBe(sha256(pcm.data));
});
