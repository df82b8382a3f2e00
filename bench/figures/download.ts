import { createHash } from "node:crypto";
import { BenchSocket } from "../lib/bench-socket.ts";
import { residentBytes } from "../lib/process-memory.ts";
import type { SpeechSource } from "../lib/speech-source.ts";
import { sleep } from "../lib/stats.ts";
import {
  BYTES_PER_SECOND,
  recordingUrl,
  sessionStreamUrl,
} from "../lib/stream-url.ts";

/** Frame size used to build long recordings quickly: one second of audio. */
const BUILD_FRAME_BYTES = BYTES_PER_SECOND;
const SEND_BUFFER_BYTES = 1024 * 1024;
const BUILD_TIMEOUT_MS = 300_000;
/** Period of workerd memory samples while a download runs, in ms. */
const SAMPLE_MS = 20;
const WAV_HEADER_BYTES = 44;

export interface Recording {
  userId: string;
  sessionId: string;
  seconds: number;
  /** SHA-256 of the audio bytes sent, hex. */
  sha256: string;
}

export interface DownloadResult {
  seconds: number;
  bytes: number;
  timeToFirstByteMs: number;
  totalMs: number;
  megabytesPerSecond: number;
  /** Resident memory of workerd just before the request, in bytes. */
  baselineBytes: number;
  /** Highest resident memory above the baseline while serving, in bytes. */
  peakAddedBytes: number;
  /** True when the WAV's data bytes hash to what was streamed. */
  identical: boolean;
}

/**
 * Streams `seconds` of audio through one session as fast as it takes it,
 * in one-second frames, then stops it so every byte is in R2.
 */
export async function buildRecording(
  baseUrl: string,
  userId: string,
  sessionId: string,
  seconds: number,
  speech: SpeechSource,
): Promise<Recording> {
  const socket = await BenchSocket.open(
    sessionStreamUrl(baseUrl, userId, sessionId),
  );
  const hash = createHash("sha256");
  const total = seconds * BYTES_PER_SECOND;
  for (let offset = 0; offset < total; offset += BUILD_FRAME_BYTES) {
    const frame = speech.bytesAt(offset, BUILD_FRAME_BYTES);
    hash.update(frame);
    socket.ws.send(frame);
    await socket.drainTo(SEND_BUFFER_BYTES, BUILD_TIMEOUT_MS);
  }
  const stopped = await socket.stop(BUILD_TIMEOUT_MS);
  socket.close();
  if (stopped.uploaded !== total) {
    throw new Error(
      `session ${sessionId} uploaded ${stopped.uploaded} of ${total} bytes`,
    );
  }
  return { userId, sessionId, seconds, sha256: hash.digest("hex") };
}

/**
 * Downloads a recording's WAV, hashing its data bytes, while sampling
 * workerd's resident memory every 20 ms.
 */
export async function measureDownload(
  baseUrl: string,
  recording: Recording,
  workerdPid: number,
): Promise<DownloadResult> {
  await sleep(2_000);
  const baselineBytes = residentBytes(workerdPid);
  let peakBytes = baselineBytes;
  const sampler = setInterval(() => {
    peakBytes = Math.max(peakBytes, residentBytes(workerdPid));
  }, SAMPLE_MS);

  const hash = createHash("sha256");
  const started = performance.now();
  let firstByteAt = 0;
  let bytes = 0;
  try {
    const response = await fetch(
      recordingUrl(baseUrl, recording.userId, recording.sessionId),
    );
    if (!response.ok || !response.body) {
      throw new Error(
        `download of ${recording.sessionId} returned HTTP ${response.status}: ${await response.text()}`,
      );
    }
    const reader = response.body.getReader();
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      if (bytes === 0) firstByteAt = performance.now();
      const skip = Math.max(0, WAV_HEADER_BYTES - bytes);
      if (skip < chunk.length) hash.update(chunk.subarray(skip));
      bytes += chunk.length;
    }
  } finally {
    clearInterval(sampler);
  }
  const totalMs = performance.now() - started;
  peakBytes = Math.max(peakBytes, residentBytes(workerdPid));

  return {
    seconds: recording.seconds,
    bytes,
    timeToFirstByteMs: firstByteAt - started,
    totalMs,
    megabytesPerSecond: bytes / 1e6 / (totalMs / 1000),
    baselineBytes,
    peakAddedBytes: peakBytes - baselineBytes,
    identical: hash.digest("hex") === recording.sha256,
  };
}
