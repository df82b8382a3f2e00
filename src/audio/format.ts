/** Encodings the session object accepts. */
export const ENCODINGS = ["pcm_s16le", "mulaw", "alaw", "webm", "ogg"] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** Container encodings: the stream is a MediaRecorder file, not raw samples. */
export const CONTAINER_ENCODINGS = ["webm", "ogg"] as const;
export type ContainerEncoding = (typeof CONTAINER_ENCODINGS)[number];

/** G.711 encodings: one byte per sample at 8,000 Hz. */
export type G711Encoding = "mulaw" | "alaw";

/** G.711 is defined for telephony at this rate only, in Hz. */
export const G711_SAMPLE_RATE = 8_000;

/**
 * Bytes per second assumed for a container stream, whose bitrate the service
 * cannot know in advance. 32,000 B/s is 256 kbit/s, twice the default Opus
 * bitrate browsers record at, so window and session limits stay generous.
 */
export const CONTAINER_NOMINAL_BYTES_PER_SECOND = 32_000;

/** The audio format a client declares when it connects. */
export interface AudioFormat {
  encoding: Encoding;
  /**
   * Samples per second per channel, 8,000 to 48,000. For webm and ogg the
   * container carries the real rate; this value is informational.
   */
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

/** Accepts numbers and numeric strings, since query parameters are strings. */
function toInteger(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d+$/.test(value.trim())) {
    return Number(value.trim());
  }
  return Number.NaN;
}

/** True for webm and ogg, whose bytes are a container file. */
export function isContainer(
  format: AudioFormat,
): format is AudioFormat & { encoding: ContainerEncoding } {
  return (CONTAINER_ENCODINGS as readonly string[]).includes(format.encoding);
}

/** True for mu-law and A-law. */
export function isG711(
  format: AudioFormat,
): format is AudioFormat & { encoding: G711Encoding } {
  return format.encoding === "mulaw" || format.encoding === "alaw";
}

/** Validates a declared format; throws FormatError naming the bad field. */
export function parseFormat(input: FormatInput): AudioFormat {
  const encoding = input.encoding ?? "pcm_s16le";
  if (!ENCODINGS.includes(encoding as Encoding)) {
    throw new FormatError(
      `encoding ${JSON.stringify(encoding)} is not supported: use one of ${ENCODINGS.join(", ")}`,
    );
  }

  const g711 = encoding === "mulaw" || encoding === "alaw";
  const fallbackRate = g711
    ? G711_SAMPLE_RATE
    : encoding === "pcm_s16le"
      ? 16_000
      : 48_000;
  const sampleRate = toInteger(input.sampleRate ?? fallbackRate);
  if (
    !Number.isInteger(sampleRate) ||
    sampleRate < MIN_SAMPLE_RATE ||
    sampleRate > MAX_SAMPLE_RATE
  ) {
    throw new FormatError(
      `sampleRate ${JSON.stringify(input.sampleRate)} is invalid: expected an integer from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE}`,
    );
  }
  if (g711 && sampleRate !== G711_SAMPLE_RATE) {
    throw new FormatError(
      `sampleRate ${JSON.stringify(input.sampleRate)} is invalid for ${encoding}: G.711 audio is ${G711_SAMPLE_RATE} Hz`,
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

/**
 * Bytes in one sample frame (one sample for every channel) of the stream as
 * received. A container stream has no fixed frame, so it aligns to 1 byte.
 */
export function blockAlign(format: AudioFormat): number {
  if (isContainer(format)) return 1;
  const bytesPerSample = isG711(format) ? 1 : 2;
  return bytesPerSample * format.channels;
}

/** Bytes of the stream per second of playback; nominal for containers. */
export function bytesPerSecond(format: AudioFormat): number {
  if (isContainer(format)) return CONTAINER_NOMINAL_BYTES_PER_SECOND;
  return format.sampleRate * blockAlign(format);
}

/** Whole sample frames in `ms` milliseconds, as a byte count. */
export function bytesForDuration(format: AudioFormat, ms: number): number {
  if (isContainer(format)) {
    return Math.floor((CONTAINER_NOMINAL_BYTES_PER_SECOND * ms) / 1000);
  }
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
