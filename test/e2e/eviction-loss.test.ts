import { afterEach, expect, it } from "vitest";
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
import { killAndRestart, stopAndRemove } from "./support/server.ts";
import {
  eventsOf,
  recordedClient,
  sendPaced,
  stopAndDownload,
  type RecordedClient,
} from "./support/stream.ts";
import { waitUntil, withTimeout } from "./support/wait.ts";

const SPEED = 4;
/** Audio streamed per case, in seconds: 10 s of wall time at 4x. */
const AUDIO_SECONDS = 40;
/**
 * Allowance on top of the interval for acknowledgement lag (the server
 * sends one at most every 250 ms) and frame spacing, in ms of wall time.
 */
const MARGIN_MS = 750;

interface LossCase {
  name: string;
  vars: Record<string, string>;
  /** Memory the eviction may lose, in ms of wall time. */
  boundMs: number;
  /** The restarted server rebuilds from R2 alone. */
  journalOff: boolean;
}

const CASES: LossCase[] = [
  {
    name: "journal off",
    vars: {
      AUDIO_STORAGE_JOURNAL_INTERVAL_MS: "0",
      AUDIO_STORAGE_UPLOAD_INTERVAL_MS: "3000",
    },
    boundMs: 3_000,
    journalOff: true,
  },
  {
    name: "journal on",
    vars: {
      AUDIO_STORAGE_JOURNAL_INTERVAL_MS: "1000",
      AUDIO_STORAGE_UPLOAD_INTERVAL_MS: "60000",
    },
    boundMs: 1_000,
    journalOff: false,
  },
];

let server: DevServer | undefined;

afterEach(async () => {
  await stopAndRemove(server);
  server = undefined;
});

/** The highest received offset acknowledged at or before `atMs`. */
function receivedAckedBy(recorded: RecordedClient, atMs: number): number {
  let received = 0;
  recorded.events.forEach((event, i) => {
    if (event.type !== "ack" && event.type !== "ready") return;
    if ((recorded.eventTimesMs[i] ?? Infinity) > atMs) return;
    received = Math.max(received, event.offsets.received);
  });
  return received;
}

it.each(CASES)(
  "eviction with $name loses at most one interval",
  async ({ name, vars, boundMs, journalOff }) => {
    server = await startDevServer({ vars });
    const pcm = readPcm(SONNETS_WAV);
    const data = pcm.data.subarray(0, AUDIO_SECONDS * pcm.bytesPerSecond);
    const sessionId = `loss-${journalOff ? "off" : "on"}-${Date.now()}`;
    const recorded = recordedClient(
      server.url,
      "e2e-user",
      sessionId,
      pcm.format,
      { maxReconnectDelayMs: 2_000, maxReconnectAttempts: 32 },
    );
    const { client, events } = recorded;
    await withTimeout(client.connect(), 15_000, "first ready");

    // Kill at 45% of the audio: between the 3 s uploads and well past the
    // first journal write.
    const chunkBytes = 3_200;
    const killIndex = Math.floor((0.45 * data.length) / chunkBytes);
    let killedAtMs = 0;
    let receivedAtKill = 0;
    let readiesBeforeKill = 0;
    await sendPaced(client, data, {
      speed: SPEED,
      bytesPerSecond: pcm.bytesPerSecond,
      chunkBytes,
      beforeChunk: async (index) => {
        if (index !== killIndex || !server) return;
        killedAtMs = performance.now();
        receivedAtKill = client.offsets.received;
        readiesBeforeKill = eventsOf(events, "ready").length;
        server = await killAndRestart(server, vars);
        await waitUntil(
          () => eventsOf(events, "ready").length > readiesBeforeKill,
          30_000,
          "ready from the restarted server",
        );
      },
    });
    const restarted = eventsOf(events, "ready")[readiesBeforeKill]!.offsets;
    const recording = await stopAndDownload(
      server.url,
      client,
      "e2e-user",
      sessionId,
      60_000,
    );

    const lostBytes = receivedAtKill - restarted.received;
    const lostMs = (lostBytes / pcm.bytesPerSecond / SPEED) * 1000;
    console.log(
      `${name}: the restart lost ${lostBytes} of ${receivedAtKill} received bytes ` +
        `(${Math.round(lostMs)} ms of wall time at ${SPEED}x; bound ${boundMs} ms)`,
    );
    const floor = receivedAckedBy(recorded, killedAtMs - boundMs - MARGIN_MS);
    expect(floor).toBeGreaterThan(0);
    expect(restarted.received).toBeGreaterThanOrEqual(floor);
    expect(restarted.received).toBeLessThanOrEqual(receivedAtKill);
    expect(restarted.journaled).toBe(restarted.received);
    if (journalOff) expect(restarted.uploaded).toBe(restarted.received);

    expect(recording.complete).toBe(true);
    expect(recording.data.length).toBe(data.length);
    expect(firstDifference(recording.data, data)).toBe(-1);
    expect(sha256(recording.data)).toBe(sha256(data));
  },
);
