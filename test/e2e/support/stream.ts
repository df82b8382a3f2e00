import { parseWav } from "../../../src/audio/wav.ts";
import {
  AudioStreamClient,
  type AudioStreamClientOptions,
  type ClientEvent,
  type StreamFormat,
} from "../../../src/client/audio-stream-client.ts";
import { mintDevUserToken } from "../../../scripts/lib/mint-token.ts";
import { sleep, withTimeout } from "./wait.ts";

/** A resumable client and every event it reported, in order. */
export interface RecordedClient {
  client: AudioStreamClient;
  events: ClientEvent[];
  /** `performance.now()` when each event in `events` arrived. */
  eventTimesMs: number[];
}

/** Returns the ws:// URL of a session's stream route. */
export function streamUrl(
  baseUrl: string,
  userId: string,
  sessionId: string,
): URL {
  const url = new URL(
    `${baseUrl.replace(/^http/, "ws")}/v1/sessions/${sessionId}/stream`,
  );
  url.searchParams.set("token", mintDevUserToken(userId, sessionId));
  return url;
}

/** Creates a client that records its events; call `connect()` on it. */
export function recordedClient(
  baseUrl: string,
  userId: string,
  sessionId: string,
  format: StreamFormat,
  options: Partial<AudioStreamClientOptions> = {},
): RecordedClient {
  const events: ClientEvent[] = [];
  const eventTimesMs: number[] = [];
  const client = new AudioStreamClient({
    url: streamUrl(baseUrl, userId, sessionId).toString(),
    format,
    onEvent: (event) => {
      events.push(event);
      eventTimesMs.push(performance.now());
    },
    ...options,
  });
  return { client, events, eventTimesMs };
}

export interface PaceOptions {
  /** 1 is real time; N sends N times faster. */
  speed: number;
  /** Bytes of audio per second at real time. */
  bytesPerSecond: number;
  /** Size of each `send`, in bytes; the last chunk may be shorter. */
  chunkBytes: number;
  /** Called before chunk `index` is sent; the sender waits for it. */
  beforeChunk?: (index: number, offset: number) => void | Promise<void>;
}

/** Sends `data` through the client in chunks, paced at `speed` times real time. */
export async function sendPaced(
  client: AudioStreamClient,
  data: Uint8Array,
  options: PaceOptions,
): Promise<void> {
  const started = performance.now();
  let paused = 0;
  for (let index = 0, offset = 0; offset < data.length; index++) {
    const dueMs = (offset / options.bytesPerSecond) * (1000 / options.speed);
    const waitMs = started + paused + dueMs - performance.now();
    if (waitMs > 1) await sleep(waitMs);

    const hookStarted = performance.now();
    await options.beforeChunk?.(index, offset);
    // Time spent in the hook does not count against the pace.
    paused += performance.now() - hookStarted;

    const end = Math.min(offset + options.chunkBytes, data.length);
    client.send(data.subarray(offset, end));
    offset = end;
  }
}

/** The data chunk of a downloaded recording and its completeness header. */
export interface Recording {
  data: Uint8Array;
  complete: boolean;
}

/** Downloads a recording as WAV and returns its PCM data. */
export async function downloadRecording(
  baseUrl: string,
  userId: string,
  sessionId: string,
): Promise<Recording> {
  const token = mintDevUserToken(userId, sessionId);
  const url = `${baseUrl}/v1/recordings/${userId}/${sessionId}.wav?token=${token}`;
  const response = await withTimeout(fetch(url), 30_000, `GET ${url}`);
  const file = new Uint8Array(
    await withTimeout(response.arrayBuffer(), 30_000, `body of ${url}`),
  );
  if (!response.ok) {
    throw new Error(
      `GET ${url} failed with ${response.status}: ${new TextDecoder().decode(file)}`,
    );
  }
  const wav = parseWav(file);
  return {
    data: file.subarray(wav.dataOffset, wav.dataOffset + wav.dataBytes),
    complete: response.headers.get("x-recording-complete") === "true",
  };
}

/** Stops the session through the client and downloads the recording. */
export async function stopAndDownload(
  baseUrl: string,
  client: AudioStreamClient,
  userId: string,
  sessionId: string,
  stopTimeoutMs = 60_000,
): Promise<Recording> {
  const what = () =>
    `stop of ${sessionId} (client ${client.state}, offsets ${JSON.stringify(client.offsets)})`;
  await withTimeout(client.stop(), stopTimeoutMs, "stop").catch(
    (error: Error) => {
      throw new Error(`${error.message}: ${what()}`);
    },
  );
  return downloadRecording(baseUrl, userId, sessionId);
}

/** Events of one type, narrowed. */
export function eventsOf<T extends ClientEvent["type"]>(
  events: ClientEvent[],
  type: T,
): Extract<ClientEvent, { type: T }>[] {
  return events.filter(
    (event): event is Extract<ClientEvent, { type: T }> => event.type === type,
  );
}
