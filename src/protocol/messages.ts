import type { AudioFormat, FormatInput } from "../audio/format.ts";

/** Byte offsets into the session's audio stream, as reported to clients. */
export interface Offsets {
  /** One past the last byte held in the object's memory. */
  received: number;
  /** One past the last byte in the object's SQLite journal (or in R2). */
  journaled: number;
  /** One past the last byte stored in R2. */
  uploaded: number;
}

/** Control messages a client sends as JSON text frames. */
export type ClientMessage =
  | ({ type: "start"; offset?: number } & FormatInput)
  | { type: "stop" }
  | { type: "ping"; id?: string | number };

/** Messages the server sends as JSON text frames. */
export type ServerMessage =
  | {
      type: "ready";
      /** "resync" means the client must resend from its last durable offset. */
      reason: "connected" | "started" | "resync";
      sessionId: string;
      userId: string;
      format: AudioFormat | null;
      offsets: Offsets;
      state: SessionState;
    }
  | ({ type: "ack" } & Offsets)
  | { type: "uploaded"; key: string; start: number; end: number }
  | { type: "slow_down"; pendingBytes: number; limitBytes: number }
  | { type: "upload_failing"; failures: number; message: string }
  | ({ type: "stopped"; manifestKey: string } & Offsets)
  | { type: "pong"; id?: string | number; serverTime: number }
  | { type: "error"; code: ErrorCode; message: string };

export type SessionState = "idle" | "streaming" | "stopped";

export type ErrorCode =
  | "bad_format"
  | "format_required"
  | "format_mismatch"
  | "bad_message"
  | "unknown_message"
  | "frame_too_large"
  | "session_too_long"
  | "session_stopped"
  | "backpressure"
  | "internal_error";

/** Raised for a control message the server cannot act on. */
export class MessageError extends Error {
  override name = "MessageError";
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const MAX_CONTROL_MESSAGE_BYTES = 4096;

/** Parses one JSON text frame into a control message. */
export function parseClientMessage(text: string): ClientMessage {
  if (text.length > MAX_CONTROL_MESSAGE_BYTES) {
    throw new MessageError(
      "bad_message",
      `control message is ${text.length} characters; the maximum is ${MAX_CONTROL_MESSAGE_BYTES}`,
    );
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MessageError("bad_message", "control message is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new MessageError(
      "bad_message",
      "control message must be a JSON object",
    );
  }

  const message = value as Record<string, unknown>;
  switch (message.type) {
    case "start":
      return parseStart(message);
    case "stop":
      return { type: "stop" };
    case "ping": {
      const id = message.id;
      const validId = typeof id === "string" || typeof id === "number";
      return validId ? { type: "ping", id } : { type: "ping" };
    }
    default:
      throw new MessageError(
        "unknown_message",
        `unknown control message type ${JSON.stringify(message.type)}: expected start, stop or ping`,
      );
  }
}

function parseStart(message: Record<string, unknown>): ClientMessage {
  const offset = message.offset;
  if (offset !== undefined && !isOffset(offset)) {
    throw new MessageError(
      "bad_message",
      `start.offset ${JSON.stringify(offset)} is invalid: expected a non-negative integer`,
    );
  }
  return {
    type: "start",
    encoding: message.encoding,
    sampleRate: message.sampleRate,
    channels: message.channels,
    ...(offset === undefined ? {} : { offset: offset as number }),
  };
}

/** True for a non-negative safe integer. */
export function isOffset(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
