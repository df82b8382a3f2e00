import { afterAll, beforeAll, expect, it } from "vitest";
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
import {
  eventsOf,
  recordedClient,
  sendPaced,
  stopAndDownload,
} from "./support/stream.ts";
import { stopAndRemove } from "./support/server.ts";
import { withTimeout } from "./support/wait.ts";

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({
    vars: {
      AUDIO_STORAGE_FAULT_PUT_FAILURE_RATE: "0.3",
      // Each put that does not fail waits a random 0 to 3 s.
      AUDIO_STORAGE_FAULT_PUT_DELAY_MS: "3000",
      AUDIO_STORAGE_UPLOAD_INTERVAL_MS: "2000",
    },
  });
});

afterAll(async () => {
  await stopAndRemove(server);
});

/** Log lines wrangler printed for one event of one session. */
function logEvents(output: string, event: string, sessionId: string) {
  return output
    .split("\n")
    .filter(
      (line) => line.includes(`"event":"${event}"`) && line.includes(sessionId),
    );
}

it("failing and slow puts lose nothing", async () => {
  const pcm = readPcm(SONNETS_WAV);
  const sessionId = `faults-${Date.now()}`;
  const { client, events } = recordedClient(
    server.url,
    "e2e-user",
    sessionId,
    pcm.format,
  );
  await withTimeout(client.connect(), 15_000, "first ready");

  // 157.8 s of speech at 8x is about 20 s, so about 10 upload runs.
  await sendPaced(client, pcm.data, {
    speed: 8,
    bytesPerSecond: pcm.bytesPerSecond,
    chunkBytes: 3_200,
  });
  const recording = await stopAndDownload(
    server.url,
    client,
    "e2e-user",
    sessionId,
    120_000,
  );

  const output = server.output();
  const uploads = logEvents(output, "segment_uploaded", sessionId);
  const failures = logEvents(output, "upload_failed", sessionId);
  expect(uploads.length).toBeGreaterThanOrEqual(4);
  expect(failures.length).toBeGreaterThanOrEqual(1);
  expect(eventsOf(events, "uploaded").length).toBeGreaterThanOrEqual(4);
  expect(recording.complete).toBe(true);
  expect(recording.data.length).toBe(pcm.data.length);
  expect(firstDifference(recording.data, pcm.data)).toBe(-1);
  expect(sha256(recording.data)).toBe(sha256(pcm.data));
});
