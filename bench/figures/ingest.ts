import { BenchSocket } from "../lib/bench-socket.ts";
import { cpuMs } from "../lib/process-memory.ts";
import type { SpeechSource } from "../lib/speech-source.ts";
import { FRAME_BYTES } from "../lib/stream-url.ts";

/**
 * Frames sent between pings. With at most three pings unanswered, no more
 * than three bursts are in flight, so the run ends when the server has caught up
 * rather than after a long drain of socket buffers.
 */
const BURST_FRAMES = 256;
const PINGS_IN_FLIGHT = 3;
const PONG_TIMEOUT_MS = 60_000;

export interface IngestRun {
  frames: number;
  seconds: number;
  framesPerSecond: number;
  /** CPU the Worker's workerd used per 1,000 frames, in milliseconds. */
  workerdCpuMsPer1000: number;
}

/**
 * Pushes 640-byte frames as fast as the server takes them through `sockets`
 * connections for `durationMs`, then waits until every frame was handled
 * (the last ping's pong follows every earlier message) and every byte acked.
 */
export async function measureIngest(
  open: (index: number) => Promise<BenchSocket>,
  sockets: number,
  durationMs: number,
  speech: SpeechSource,
  workerdPid: number,
): Promise<IngestRun> {
  const connections = await Promise.all(
    Array.from({ length: sockets }, (_, i) => open(i)),
  );
  const frame = speech.bytesAt(0, FRAME_BYTES);
  const cpuBefore = cpuMs(workerdPid);
  const started = performance.now();

  const sent = await Promise.all(
    connections.map(async (socket) => {
      let frames = 0;
      let pings = 0;
      while (performance.now() - started < durationMs) {
        for (let i = 0; i < BURST_FRAMES; i++) socket.ws.send(frame);
        frames += BURST_FRAMES;
        socket.ping();
        pings++;
        await socket.waitForPongs(pings - PINGS_IN_FLIGHT + 1, PONG_TIMEOUT_MS);
      }
      await socket.waitForPongs(pings, PONG_TIMEOUT_MS);
      return frames;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuMs(workerdPid) - cpuBefore;

  await Promise.all(
    connections.map((socket, i) =>
      socket.waitForReceived(sent[i]! * FRAME_BYTES, 10_000),
    ),
  );
  await Promise.all(connections.map((socket) => socket.stop(120_000)));
  for (const socket of connections) socket.close();

  const frames = sent.reduce((sum, n) => sum + n, 0);
  return {
    frames,
    seconds,
    framesPerSecond: frames / seconds,
    workerdCpuMsPer1000: (cpu / frames) * 1000,
  };
}
