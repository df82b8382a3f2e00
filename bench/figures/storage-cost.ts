import { BenchSocket } from "../lib/bench-socket.ts";
import type { SpeechSource } from "../lib/speech-source.ts";
import { mapLimit, sleep } from "../lib/stats.ts";
import {
  BYTES_PER_SECOND,
  FRAME_BYTES,
  sessionStreamUrl,
} from "../lib/stream-url.ts";
import type { StorageCounts } from "../worker/storage-counts.ts";

const FRAME_MS = 20;
const STOP_TIMEOUT_MS = 120_000;
const SECONDS_PER_HOUR = 3_600;

export interface StoragePlan {
  sessions: number;
  /** Real-time streaming length, in ms. */
  durationMs: number;
  /** Steady-state window [from, to] within the stream, in ms from its start. */
  steadyFromMs: number;
  steadyToMs: number;
}

export interface SessionHourCounts {
  /** Counts per session-hour: the steady rate for an hour plus one start and stop. */
  perHour: StorageCounts;
  /** Counts beyond the steady rate, per session: connect, first writes, stop. */
  fixed: StorageCounts;
  /** Client messages per session-hour (frames plus control), from the client side. */
  clientMessagesPerHour: number;
  /** Worker requests per session: the WebSocket upgrade. */
  workerRequests: number;
  audioBytesPerHour: number;
}

type CountName = keyof StorageCounts;

function combine(
  a: StorageCounts,
  b: StorageCounts,
  f: (x: number, y: number) => number,
): StorageCounts {
  const out = { ...a };
  for (const name of Object.keys(a) as CountName[])
    out[name] = f(a[name], b[name]);
  return out;
}

async function readCounts(
  baseUrl: string,
  userId: string,
  sessionId: string,
): Promise<StorageCounts> {
  const response = await fetch(
    `${baseUrl}/bench/counted/counts/${encodeURIComponent(userId)}/${encodeURIComponent(sessionId)}`,
  );
  if (!response.ok) {
    throw new Error(`counts for ${sessionId} returned HTTP ${response.status}`);
  }
  return (await response.json()) as StorageCounts;
}

/**
 * Streams `plan.sessions` counted sessions at real-time pace, reads their
 * operation counts at both ends of a steady window and after stop, and
 * returns the counts per session-hour: the steady rate scaled to an hour,
 * plus what one start and one stop cost.
 */
export async function measureSessionHour(
  baseUrl: string,
  plan: StoragePlan,
  runId: string,
  speech: SpeechSource,
): Promise<SessionHourCounts> {
  const userId = "bench-user";
  const ids = Array.from(
    { length: plan.sessions },
    (_, i) => `${runId}-cost-${i}`,
  );
  const sockets = await Promise.all(
    ids.map((id) =>
      BenchSocket.open(sessionStreamUrl(baseUrl, userId, id, "/bench/counted")),
    ),
  );
  const countsOf = () =>
    Promise.all(ids.map((id) => readCounts(baseUrl, userId, id)));

  const started = performance.now();
  const frames = Math.floor(plan.durationMs / FRAME_MS);
  let atSteadyStart: StorageCounts[] | null = null;
  let atSteadyEnd: StorageCounts[] | null = null;
  let steadyStartedAt = 0;
  let steadyEndedAt = 0;
  for (let k = 0; k < frames; k++) {
    const due = started + k * FRAME_MS;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    for (const socket of sockets) {
      socket.ws.send(speech.bytesAt(k * FRAME_BYTES, FRAME_BYTES));
    }
    const elapsed = performance.now() - started;
    if (!atSteadyStart && elapsed >= plan.steadyFromMs) {
      steadyStartedAt = performance.now();
      atSteadyStart = await countsOf();
    }
    if (!atSteadyEnd && elapsed >= plan.steadyToMs) {
      steadyEndedAt = performance.now();
      atSteadyEnd = await countsOf();
    }
  }
  if (!atSteadyStart || !atSteadyEnd) {
    throw new Error("the stream ended before its steady window closed");
  }
  await mapLimit(sockets, 8, (socket) => socket.stop(STOP_TIMEOUT_MS));
  const atEnd = await countsOf();
  for (const socket of sockets) socket.close();

  const sum = (list: StorageCounts[]) =>
    list.reduce((total, c) => combine(total, c, (x, y) => x + y));
  const steady = combine(sum(atSteadyEnd), sum(atSteadyStart), (x, y) => x - y);
  const total = sum(atEnd);
  const steadySeconds = (steadyEndedAt - steadyStartedAt) / 1000;
  const streamSeconds = plan.durationMs / 1000;

  const perSecond = combine(
    steady,
    steady,
    (s) => s / plan.sessions / steadySeconds,
  );
  // What the whole run cost beyond its streaming at the steady rate: the
  // connect, the first journal and alarm, and the stop's upload and manifest.
  const fixed = combine(total, perSecond, (t, r) =>
    Math.max(0, t / plan.sessions - r * streamSeconds),
  );
  const perHour = combine(perSecond, fixed, (r, f) => r * SECONDS_PER_HOUR + f);
  return {
    perHour,
    fixed,
    // One frame every 20 ms for an hour, plus the stop message.
    clientMessagesPerHour: (SECONDS_PER_HOUR * 1000) / FRAME_MS + 1,
    workerRequests: 1,
    audioBytesPerHour: BYTES_PER_SECOND * SECONDS_PER_HOUR,
  };
}
