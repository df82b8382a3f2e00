import { mintDevUserToken } from "../../scripts/lib/mint-token.ts";

/** The audio format every bench stream declares: 16 kHz mono PCM16. */
export const BENCH_FORMAT = {
  encoding: "pcm_s16le",
  sampleRate: 16_000,
  channels: 1,
} as const;

/** Bytes of one second of the bench format. */
export const BYTES_PER_SECOND = 32_000;

/** Bytes of one 20 ms frame, as a microphone client sends them. */
export const FRAME_BYTES = 640;

/**
 * Builds the URL that opens a session's stream, with a user token signed by
 * the development secret the bench server runs with.
 */
export function sessionStreamUrl(
  baseUrl: string,
  userId: string,
  sessionId: string,
  pathPrefix = "",
): string {
  const url = new URL(
    `${pathPrefix}/v1/sessions/${encodeURIComponent(sessionId)}/stream`,
    baseUrl.replace(/^http/, "ws"),
  );
  url.searchParams.set("token", mintDevUserToken(userId, sessionId));
  url.searchParams.set("encoding", BENCH_FORMAT.encoding);
  url.searchParams.set("sampleRate", String(BENCH_FORMAT.sampleRate));
  url.searchParams.set("channels", String(BENCH_FORMAT.channels));
  return url.toString();
}

/** URL of the bare byte-counting object named `id`. */
export function bareStreamUrl(baseUrl: string, id: string): string {
  return new URL(
    `/bench/bare/${encodeURIComponent(id)}`,
    baseUrl.replace(/^http/, "ws"),
  ).toString();
}

/** URL of a recording's WAV download. */
export function recordingUrl(
  baseUrl: string,
  userId: string,
  sessionId: string,
): string {
  const token = mintDevUserToken(userId, sessionId);
  return `${baseUrl}/v1/recordings/${encodeURIComponent(userId)}/${encodeURIComponent(sessionId)}.wav?token=${token}`;
}
