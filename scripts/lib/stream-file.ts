import { readFileSync } from "node:fs";
import { parseWav } from "../../src/audio/wav.ts";
import {
  AudioStreamClient,
  type ClientEvent,
  type StreamOffsets,
} from "../../src/client/audio-stream-client.ts";
import {
  STREAM_SUBPROTOCOL,
  TOKEN_SUBPROTOCOL_PREFIX,
} from "../../src/auth/protocol.ts";

export interface StreamFileOptions {
  /** http:// base URL of the service. */
  baseUrl: string;
  file: string;
  userId: string;
  sessionId: string;
  /** A user token for `userId` that grants `sessionId`. */
  token: string;
  /** 1 streams at real-time pace; N streams N times faster. */
  speed: number;
  /** Frame length in milliseconds of audio. */
  frameMs?: number;
  /** Called after each frame with the share sent, 0 to 1. */
  onProgress?: (sent: number, client: AudioStreamClient) => void;
  onEvent?: (event: ClientEvent) => void;
  /** Called with the client before streaming, so callers can inject faults. */
  onFrame?: (index: number, client: AudioStreamClient) => void;
}

export interface StreamFileResult {
  sent: Uint8Array;
  /** The client's offsets once the server reported the session stopped. */
  offsets: StreamOffsets;
  downloaded: Uint8Array;
  downloadedData: Uint8Array;
  identical: boolean;
}

/** Fails at once, with the fix, when nothing serves `baseUrl`. */
async function requireService(baseUrl: string): Promise<void> {
  try {
    const response = await fetch(`${baseUrl}/healthz`);
    await response.arrayBuffer();
  } catch {
    throw new Error(
      `no service at ${baseUrl}: start it with \`npm run dev\` or pass --url`,
    );
  }
}

/**
 * Streams a WAV file's PCM data in fixed-length frames at the given pace,
 * stops the session, downloads the recording and compares its data bytes
 * with what was sent.
 */
export async function streamFile(
  options: StreamFileOptions,
): Promise<StreamFileResult> {
  const file = readFileSync(options.file);
  const wav = parseWav(file);
  const data = file.subarray(wav.dataOffset, wav.dataOffset + wav.dataBytes);
  const frameMs = options.frameMs ?? 20;
  const align = 2 * wav.format.channels;
  const frameBytes =
    Math.round((wav.format.sampleRate * frameMs) / 1000) * align;

  await requireService(options.baseUrl);
  const wsBase = options.baseUrl.replace(/^http/, "ws");
  const url = new URL(
    `${wsBase}/v1/sessions/${encodeURIComponent(options.sessionId)}/stream`,
  );
  const client = new AudioStreamClient({
    url: url.toString(),
    // Sent as a subprotocol, as a browser would, so it stays out of URLs and logs.
    protocols: [
      STREAM_SUBPROTOCOL,
      `${TOKEN_SUBPROTOCOL_PREFIX}${options.token}`,
    ],
    format: wav.format,
    onEvent: options.onEvent,
  });
  await client.connect();

  const started = performance.now();
  const frames = Math.ceil(data.length / frameBytes);
  for (let i = 0; i < frames; i++) {
    const due = started + (i * frameMs) / options.speed;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    options.onFrame?.(i, client);
    client.send(data.subarray(i * frameBytes, (i + 1) * frameBytes));
    options.onProgress?.((i + 1) / frames, client);
  }
  const offsets = await client.stop();

  const downloadUrl = `${options.baseUrl}/v1/recordings/${encodeURIComponent(options.userId)}/${encodeURIComponent(options.sessionId)}.wav`;
  const response = await fetch(downloadUrl, {
    headers: { authorization: `Bearer ${options.token}` },
  });
  const downloaded = new Uint8Array(await response.arrayBuffer());
  if (!response.ok) {
    throw new Error(
      `download failed with ${response.status}: ${new TextDecoder().decode(downloaded)}`,
    );
  }
  const parsed = parseWav(downloaded);
  const downloadedData = downloaded.subarray(
    parsed.dataOffset,
    parsed.dataOffset + parsed.dataBytes,
  );
  return {
    sent: data,
    offsets,
    downloaded,
    downloadedData,
    identical: Buffer.from(downloadedData).equals(Buffer.from(data)),
  };
}
