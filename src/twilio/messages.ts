import type { G711Encoding } from "../audio/format.ts";

/**
 * Messages of Twilio's Media Streams WebSocket protocol (version 1.0.0).
 * Twilio sends numeric fields such as sequenceNumber, chunk and timestamp as
 * strings; they are parsed to numbers here so that "10" sorts after "9".
 */

/** The two media directions of a call, named as in `media.track`. */
export type TwilioTrack = "inbound" | "outbound";

export interface TwilioStart {
  event: "start";
  sequenceNumber: number;
  streamSid: string;
  callSid: string;
  accountSid: string;
  tracks: TwilioTrack[];
  customParameters: Record<string, string>;
  encoding: G711Encoding;
  sampleRate: number;
  channels: number;
}

export interface TwilioMedia {
  event: "media";
  sequenceNumber: number;
  streamSid: string;
  track: TwilioTrack;
  /** Chunk number of this track, from 1. */
  chunk: number;
  /** Presentation time of the first sample, in ms from the stream's start. */
  timestampMs: number;
  payload: Uint8Array;
}

export type TwilioMessage =
  | { event: "connected"; protocol: string; version: string }
  | TwilioStart
  | TwilioMedia
  | { event: "mark"; sequenceNumber: number; streamSid: string; name: string }
  | {
      event: "dtmf";
      sequenceNumber: number;
      streamSid: string;
      track: string;
      digit: string;
    }
  | { event: "stop"; sequenceNumber: number; streamSid: string };

/** Raised for a message that does not follow the protocol. */
export class TwilioMessageError extends Error {
  override name = "TwilioMessageError";
}

/** Twilio's media encodings and the session encodings they map to. */
const MEDIA_ENCODINGS: Record<string, G711Encoding> = {
  "audio/x-mulaw": "mulaw",
  "audio/x-alaw": "alaw",
};

type Fields = Record<string, unknown>;

/** Parses one text frame from Twilio; throws TwilioMessageError. */
export function parseTwilioMessage(text: string): TwilioMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TwilioMessageError("message is not valid JSON");
  }
  if (!isObject(value)) {
    throw new TwilioMessageError("message must be a JSON object");
  }

  switch (value.event) {
    case "connected":
      return {
        event: "connected",
        protocol: String(value.protocol ?? ""),
        version: String(value.version ?? ""),
      };
    case "start":
      return parseStart(value);
    case "media":
      return parseMedia(value);
    case "mark":
      return {
        event: "mark",
        ...common(value),
        name: String(object(value, "mark").name ?? ""),
      };
    case "dtmf": {
      const dtmf = object(value, "dtmf");
      return {
        event: "dtmf",
        ...common(value),
        track: String(dtmf.track ?? ""),
        digit: String(dtmf.digit ?? ""),
      };
    }
    case "stop":
      return { event: "stop", ...common(value) };
    default:
      throw new TwilioMessageError(
        `unknown event ${JSON.stringify(value.event)}: expected connected, start, media, mark, dtmf or stop`,
      );
  }
}

function parseStart(value: Fields): TwilioStart {
  const start = object(value, "start");
  const mediaFormat = object(start, "mediaFormat");
  const encoding = MEDIA_ENCODINGS[String(mediaFormat.encoding)];
  if (!encoding) {
    throw new TwilioMessageError(
      `start.mediaFormat.encoding ${JSON.stringify(mediaFormat.encoding)} is not supported: expected ${Object.keys(MEDIA_ENCODINGS).join(" or ")}`,
    );
  }
  const tracks = Array.isArray(start.tracks) ? start.tracks : ["inbound"];
  const customParameters: Record<string, string> = {};
  if (isObject(start.customParameters)) {
    for (const [name, raw] of Object.entries(start.customParameters)) {
      customParameters[name] = String(raw);
    }
  }
  return {
    event: "start",
    sequenceNumber: number(value, "sequenceNumber"),
    streamSid: string(start, "streamSid", value.streamSid),
    callSid: String(start.callSid ?? ""),
    accountSid: String(start.accountSid ?? ""),
    tracks: tracks.map((track: unknown) => parseTrack(track, "start.tracks")),
    customParameters,
    encoding,
    sampleRate: number(mediaFormat, "sampleRate", "start.mediaFormat"),
    channels: number(mediaFormat, "channels", "start.mediaFormat"),
  };
}

function parseMedia(value: Fields): TwilioMedia {
  const media = object(value, "media");
  const payload = media.payload;
  if (typeof payload !== "string") {
    throw new TwilioMessageError(
      "media.payload is missing: expected base64 audio",
    );
  }
  return {
    event: "media",
    ...common(value),
    track: parseTrack(media.track ?? "inbound", "media.track"),
    chunk: number(media, "chunk", "media"),
    timestampMs: number(media, "timestamp", "media"),
    payload: decodeBase64(payload),
  };
}

function common(value: Fields): { sequenceNumber: number; streamSid: string } {
  return {
    sequenceNumber: number(value, "sequenceNumber"),
    streamSid: String(value.streamSid ?? ""),
  };
}

/** Accepts "inbound" and "outbound", and the "_track" forms dtmf uses. */
function parseTrack(raw: unknown, field: string): TwilioTrack {
  const track = String(raw).replace(/_track$/, "");
  if (track === "inbound" || track === "outbound") return track;
  throw new TwilioMessageError(
    `${field} ${JSON.stringify(raw)} is invalid: expected inbound or outbound`,
  );
}

/** Reads a non-negative integer sent as a number or a decimal string. */
function number(fields: Fields, name: string, parent?: string): number {
  const raw = fields[name];
  const text = typeof raw === "number" ? String(raw) : raw;
  if (typeof text !== "string" || !/^\d+$/.test(text.trim())) {
    const path = parent ? `${parent}.${name}` : name;
    throw new TwilioMessageError(
      `${path} ${JSON.stringify(raw)} is invalid: expected a non-negative integer`,
    );
  }
  const parsed = Number(text.trim());
  if (!Number.isSafeInteger(parsed)) {
    throw new TwilioMessageError(`${name} ${JSON.stringify(raw)} is too large`);
  }
  return parsed;
}

function string(fields: Fields, name: string, fallback: unknown): string {
  const raw = fields[name] ?? fallback;
  if (typeof raw !== "string" || raw === "") {
    throw new TwilioMessageError(`start.${name} is missing`);
  }
  return raw;
}

function object(fields: Fields, name: string): Fields {
  const raw = fields[name];
  if (!isObject(raw)) {
    throw new TwilioMessageError(`${name} is missing: expected an object`);
  }
  return raw;
}

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function decodeBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new TwilioMessageError("media.payload is not valid base64");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
