import { afterAll, expect, it } from "vitest";
import {
  startDevServer,
  type DevServer,
} from "../../scripts/lib/dev-server.ts";
import {
  firstDifference,
  readPcm,
  sha256,
  SONNETS_WAV,
} from "./support/audio.ts";
import { stopAndRemove } from "./support/server.ts";
import {
  eventsOf,
  recordedClient,
  sendPaced,
  stopAndDownload,
} from "./support/stream.ts";
import { waitUntil, withTimeout } from "./support/wait.ts";

const USER = "e2e-user";
const OUTAGE_VARS = {
  AUDIO_STORAGE_FAULT_PUT_FAILURE_RATE: "1",
  AUDIO_STORAGE_MAX_PENDING_MB: "1",
  AUDIO_STORAGE_UPLOAD_INTERVAL_MS: "2000",
};

let server: DevServer | undefined;

afterAll(async () => {
  await stopAndRemove(server);
});

it("full journal pushes back, then recovers", async () => {
  server = await startDevServer({ vars: OUTAGE_VARS });
  const pcm = readPcm(SONNETS_WAV);
  // 60 s of audio is 1.92 MB, nearly twice the 1 MiB pending limit.
  const data = pcm.data.subarray(0, 60 * pcm.bytesPerSecond);
  const sessionId = `outage-${Date.now()}`;
  const { client, events } = recordedClient(
    server.url,
    USER,
    sessionId,
    pcm.format,
    { maxReconnectDelayMs: 1_000, maxReconnectAttempts: 60 },
  );
  await withTimeout(client.connect(), 15_000, "first ready");

  // Every put fails, so pending audio reaches the limit. The server sends
  // slow_down, then closes with 1013 and rejects more audio.
  await sendPaced(client, data, {
    speed: 10,
    bytesPerSecond: pcm.bytesPerSecond,
    chunkBytes: 3_200,
  });
  await waitUntil(
    () => eventsOf(events, "reconnecting").length > 0,
    30_000,
    "a 1013 close",
  );
  expect(eventsOf(events, "slow_down").length).toBeGreaterThanOrEqual(1);
  expect(client.offsets.journaled).toBeLessThanOrEqual(1024 * 1024);
  expect(client.bufferedBytes).toBeGreaterThan(0);

  // R2 comes back: restart over the same state without the fault.
  await server.stop();
  server = await startDevServer({
    port: server.port,
    persistDir: server.persistDir,
    vars: { ...OUTAGE_VARS, AUDIO_STORAGE_FAULT_PUT_FAILURE_RATE: "0" },
  });
  const recording = await stopAndDownload(
    server.url,
    client,
    USER,
    sessionId,
    90_000,
  );

  expect(recording.complete).toBe(true);
  expect(recording.data.length).toBe(data.length);
  expect(firstDifference(recording.data, data)).toBe(-1);
  expect(sha256(recording.data)).toBe(sha256(data));
});
