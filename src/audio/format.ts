/** Encodings the session object accepts. */
export const ENCODINGS = ["pcm_s16le"] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** The audio format a client declares when it connects. */
export interface AudioFormat {
  encoding: Encoding;
  /** Samples per second per channel, 8,000 to 48,000. */
  sampleRate: number;
  /** 1 (mono) or 2 (interleaved stereo). */
  channels: 1 | 2;
}

export const MIN_SAMPLE_RATE = 8_000;
export const MAX_SAMPLE_RATE = 48_000;

/** Raised for a format the service cannot store. */
export class FormatError extends Error {
  override name = "FormatError";
}

/** Input as it arrives from query parameters or a JSON `start` message. */
export interface FormatInput {
  encoding?: unknown;
  sampleRate?: unknown;
  channels?: unknown;
}

function toInteger(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d+$/.test(value.trim())) {
    return Number(value.trim());
  }
  return Number.NaN;
}

/** Validates a declared format; throws FormatError naming the bad field. */
export function parseFormat(input: FormatInput): AudioFormat {
  const encoding = input.encoding ?? "pcm_s16le";
  if (!ENCODINGS.includes(encoding as Encoding)) {
    throw new FormatError(
      `encoding ${JSON.stringify(encoding)} is not supported: use one of ${ENCODINGS.join(", ")}`,
    );
  }

  const sampleRate = toInteger(input.sampleRate ?? 16_000);
  if (
    !Number.isInteger(sampleRate) ||
    sampleRate < MIN_SAMPLE_RATE ||
    sampleRate > MAX_SAMPLE_RATE
  ) {
    throw new FormatError(
      `sampleRate ${JSON.stringify(input.sampleRate)} is invalid: expected an integer from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE}`,
    );
  }

  const channels = toInteger(input.channels ?? 1);
  if (channels !== 1 && channels !== 2) {
    throw new FormatError(
      `channels ${JSON.stringify(input.channels)} is invalid: expected 1 or 2`,
    );
  }

  return { encoding: encoding as Encoding, sampleRate, channels };
}

/** Bytes in one sample frame (one sample for every channel). */
export function blockAlign(format: AudioFormat): number {
  return 2 * format.channels;
}

/** Bytes of audio per second of playback. */
export function bytesPerSecond(format: AudioFormat): number {
  return format.sampleRate * blockAlign(format);
}

/** Whole sample frames in `ms` milliseconds, as a byte count. */
export function bytesForDuration(format: AudioFormat, ms: number): number {
  const frames = Math.floor((format.sampleRate * ms) / 1000);
  return frames * blockAlign(format);
}

/** Two formats are the same when every field matches. */
export function sameFormat(a: AudioFormat, b: AudioFormat): boolean {
  return (
    a.encoding === b.encoding &&
    a.sampleRate === b.sampleRate &&
    a.channels === b.channels
  );
}
