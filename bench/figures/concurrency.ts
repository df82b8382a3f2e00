import type { BenchSocket } from "../lib/bench-socket.ts";
import type { SpeechSource } from "../lib/speech-source.ts";
import { mapLimit, percentile, sleep } from "../lib/stats.ts";
import { FRAME_BYTES } from "../lib/stream-url.ts";

/** Frame period of a microphone client, in milliseconds. */
const FRAME_MS = 20;
/** Goal for the 99th percentile of ack staleness, in milliseconds. */
export const STALENESS_GOAL_MS = 50;
/** Sockets opened at once while a step connects. */
const OPEN_CONCURRENCY = 16;
/** Acks in the first part of a step, while objects start up, are left out of the percentiles, in ms. */
const WARM_UP_MS = 1_000;
/** Maximum wait for the trailing ack after the last frame, in milliseconds. */
const FINAL_ACK_TIMEOUT_MS = 5_000;
/** Maximum wait for a session to upload everything after stop, in milliseconds. */
const STOP_TIMEOUT_MS = 120_000;

export interface StepResult {
  sessions: number;
  opened: number;
  /** Frame latency: send of the frame to the first ack covering it, batching included. */
  frameLatencyP50Ms: number;
  frameLatencyP99Ms: number;
  /** Ack staleness: age of the newest frame an ack covers when the ack arrives. */
  stalenessP50Ms: number;
  stalenessP99Ms: number;
  /** How late the client sent frames against their schedule, p99, in ms. */
  clientLateP99Ms: number;
  sentBytes: number;
  /** Bytes sent but missing from the final count (received or uploaded). */
  lostBytes: number;
  passed: boolean;
  failure: string;
}

/** A paced connection's frame ends and send times, for matching acks to frames. */
class PacedStream {
  sentBytes = 0;
  private readonly ends: number[] = [];
  private readonly sentAt: number[] = [];
  private head = 0;

  readonly socket: BenchSocket;
  private readonly latencies: number[];
  private readonly staleness: number[];

  private readonly countFrom: number;

  constructor(
    socket: BenchSocket,
    latencies: number[],
    staleness: number[],
    countFrom: number,
  ) {
    this.socket = socket;
    this.countFrom = countFrom;
    this.latencies = latencies;
    this.staleness = staleness;
    socket.onAck = (received, at) => this.onAck(received, at);
  }

  send(frame: Uint8Array, at: number): void {
    this.socket.ws.send(frame);
    this.sentBytes += frame.length;
    this.ends.push(this.sentBytes);
    this.sentAt.push(at);
  }

  private onAck(received: number, at: number): void {
    let newest = -1;
    while (this.head < this.ends.length && this.ends[this.head]! <= received) {
      newest = this.sentAt[this.head]!;
      if (newest >= this.countFrom) this.latencies.push(at - newest);
      this.head++;
    }
    if (newest >= this.countFrom) this.staleness.push(at - newest);
  }
}

/**
 * Runs `sessions` connections at real-time pace (one 640-byte frame every
 * 20 ms each, phases spread across the period) for `durationMs`, then checks
 * every byte arrived. One loop drives every connection, so the client's own
 * lateness is measured too.
 */
export async function runStep(
  open: (index: number) => Promise<BenchSocket>,
  finalBytes: (socket: BenchSocket) => Promise<number>,
  sessions: number,
  durationMs: number,
  speech: SpeechSource,
): Promise<StepResult> {
  const latencies: number[] = [];
  const staleness: number[] = [];
  const late: number[] = [];
  let failure = "";

  const sockets = await mapLimit(
    Array.from({ length: sessions }, (_, i) => i),
    OPEN_CONCURRENCY,
    (i) =>
      open(i).catch((error: Error) => {
        failure ||= `open failed: ${error.message}`;
        return null;
      }),
  );
  const started = performance.now() + 100;
  const streams = sockets
    .filter((s): s is BenchSocket => s !== null)
    .map((s) => new PacedStream(s, latencies, staleness, started + WARM_UP_MS));

  const frames = Math.floor(durationMs / FRAME_MS);
  const nextFrame = new Array<number>(streams.length).fill(0);
  const phase = streams.map((_, i) => (i * FRAME_MS) / streams.length);
  for (let done = 0; done < streams.length;) {
    const now = performance.now();
    done = 0;
    for (let i = 0; i < streams.length; i++) {
      const k = nextFrame[i]!;
      if (k >= frames) {
        done++;
        continue;
      }
      const due = started + phase[i]! + k * FRAME_MS;
      if (due > now) continue;
      late.push(now - due);
      streams[i]!.send(speech.bytesAt(k * FRAME_BYTES, FRAME_BYTES), now);
      nextFrame[i] = k + 1;
    }
    await sleep(1);
  }

  const sentBytes = streams.reduce((sum, s) => sum + s.sentBytes, 0);
  let lostBytes = 0;
  await Promise.all(
    streams.map((s) =>
      s.socket.waitForReceived(s.sentBytes, FINAL_ACK_TIMEOUT_MS).catch(() => {
        // Counted below from the final figure.
      }),
    ),
  );
  await mapLimit(streams, OPEN_CONCURRENCY, async (s) => {
    try {
      const finalCount = await finalBytes(s.socket);
      lostBytes += Math.max(0, s.sentBytes - finalCount);
    } catch (error) {
      lostBytes += s.sentBytes;
      failure ||= `final check failed: ${(error as Error).message}`;
    }
    s.socket.close();
  });
  const errors = streams.flatMap((s) => s.socket.errors);
  if (errors.length > 0)
    failure ||= `server error: ${JSON.stringify(errors[0])}`;

  const stalenessP99Ms = percentile(staleness, 0.99);
  if (!failure && lostBytes > 0) failure = `${lostBytes} bytes lost`;
  if (!failure && !(stalenessP99Ms < STALENESS_GOAL_MS)) {
    failure = `ack staleness p99 ${stalenessP99Ms.toFixed(0)} ms`;
  }
  return {
    sessions,
    opened: streams.length,
    frameLatencyP50Ms: percentile(latencies, 0.5),
    frameLatencyP99Ms: percentile(latencies, 0.99),
    stalenessP50Ms: percentile(staleness, 0.5),
    stalenessP99Ms,
    clientLateP99Ms: percentile(late, 0.99),
    sentBytes,
    lostBytes,
    passed: failure === "",
    failure,
  };
}

/** Final byte count of a session object: what it uploaded to R2 by the end of stop. */
export async function sessionFinalBytes(socket: BenchSocket): Promise<number> {
  const stopped = await socket.stop(STOP_TIMEOUT_MS);
  return Number(stopped.uploaded ?? 0);
}

/** Final byte count of the bare object: what it counted by the time it saw stop. */
export async function bareFinalBytes(socket: BenchSocket): Promise<number> {
  const stopped = await socket.stop(STOP_TIMEOUT_MS);
  return Number(stopped.received ?? 0);
}

/**
 * Staleness past which a step counts as overloaded, in ms: the ramp stops
 * there, since higher counts would only queue more.
 */
const OVERLOAD_STALENESS_MS = 500;

/**
 * Ramps through `steps` session counts and returns every step run. A step
 * that misses the staleness goal does not stop the ramp, so the table shows
 * the trend; one that loses bytes, fails to connect or is overloaded does.
 */
export async function rampSessions(
  open: (step: number, index: number) => Promise<BenchSocket>,
  finalBytes: (socket: BenchSocket) => Promise<number>,
  steps: number[],
  durationMs: number,
  speech: SpeechSource,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const sessions of steps) {
    const result = await runStep(
      (i) => open(sessions, i),
      finalBytes,
      sessions,
      durationMs,
      speech,
    );
    results.push(result);
    const overloaded =
      result.lostBytes > 0 ||
      result.opened < sessions ||
      !(result.stalenessP99Ms < OVERLOAD_STALENESS_MS);
    if (overloaded) break;
    // Let uploads and closes from this step settle before the next.
    await sleep(1_000);
  }
  return results;
}
