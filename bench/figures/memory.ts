import type { BenchSocket } from "../lib/bench-socket.ts";
import { residentBytes } from "../lib/process-memory.ts";
import type { SpeechSource } from "../lib/speech-source.ts";
import { mapLimit, sleep } from "../lib/stats.ts";
import { BYTES_PER_SECOND, FRAME_BYTES } from "../lib/stream-url.ts";

/** Raw bytes of a full 2-minute window at 16 kHz mono PCM16. */
export const WINDOW_BYTES = 120 * BYTES_PER_SECOND;
/** Time for the runtime to settle (timers, garbage collection) before reading memory, in ms. */
const SETTLE_MS = 3_000;
/**
 * Frames sent between pings while filling. At most two bursts are in flight
 * (about 330 KB), so the runtime never queues much: a fill that outruns the
 * object leaves queued frames behind as freed memory that workerd's
 * allocator keeps, which would count as memory the session holds.
 */
const BURST_FRAMES = 256;
const FILL_TIMEOUT_MS = 120_000;

export interface MemoryResult {
  sessions: number;
  beforeBytes: number;
  afterBytes: number;
  perSessionBytes: number;
  /** Memory added per session over the window's raw bytes. */
  ratio: number;
}

/** Sends a full window of audio as fast as the server takes it and waits for the ack. */
async function fillWindow(socket: BenchSocket, speech: SpeechSource) {
  let pings = 0;
  for (let offset = 0; offset < WINDOW_BYTES; offset += FRAME_BYTES) {
    socket.ws.send(speech.bytesAt(offset, FRAME_BYTES));
    if ((offset / FRAME_BYTES + 1) % BURST_FRAMES === 0) {
      socket.ping();
      pings++;
      await socket.waitForPongs(pings - 1, FILL_TIMEOUT_MS);
    }
  }
  await socket.waitForReceived(WINDOW_BYTES, FILL_TIMEOUT_MS);
}

/**
 * Reads workerd's resident memory, opens `sessions` connections that each
 * fill a 2-minute window, waits for the runtime to settle, and reads it
 * again. The connections stay open during the second reading, so every
 * window is still held; they are stopped afterwards.
 */
export async function measureMemory(
  open: (index: number) => Promise<BenchSocket>,
  finish: (socket: BenchSocket) => Promise<unknown>,
  sessions: number,
  speech: SpeechSource,
  workerdPid: number,
): Promise<MemoryResult> {
  await sleep(SETTLE_MS);
  const beforeBytes = residentBytes(workerdPid);

  const sockets = await mapLimit(
    Array.from({ length: sessions }, (_, i) => i),
    4,
    async (i) => {
      const socket = await open(i);
      await fillWindow(socket, speech);
      return socket;
    },
  );
  await sleep(SETTLE_MS);
  const afterBytes = residentBytes(workerdPid);

  await mapLimit(sockets, 8, async (socket) => {
    await finish(socket);
    socket.close();
  });
  const perSessionBytes = (afterBytes - beforeBytes) / sessions;
  return {
    sessions,
    beforeBytes,
    afterBytes,
    perSessionBytes,
    ratio: perSessionBytes / WINDOW_BYTES,
  };
}
