import {
  SESSION_HEADER,
  USER_HEADER,
} from "../../durable-objects/audio-session.ts";
import type { AudioFormat } from "../audio/format.ts";
import type { Env } from "../env.ts";
import { errorMessage, log } from "../log.ts";

/** Reconnects to the session object in a row before a track gives up. */
const MAX_RECONNECTS = 5;
/** Close codes after which reconnecting cannot help (see close-codes.ts). */
const FATAL_CLOSE_CODES = new Set([1002, 1003, 1008, 1009]);
/** Maximum wait for the session object to confirm a stop, in ms. */
const STOP_TIMEOUT_MS = 30_000;

interface PendingChunk {
  start: number;
  bytes: Uint8Array;
}

/**
 * Writes one call track into its own audio session over the session
 * object's WebSocket protocol, the same one browser clients speak. Audio is
 * placed at explicit stream offsets, so a jump forward becomes a gap that
 * downloads fill with silence. Bytes are kept until the object reports
 * them journaled, and resent after a resync or a reconnect.
 */
export class TrackSession {
  private socket: WebSocket | null = null;
  private nextOffset = 0;
  private durableOffset = 0;
  private readonly pending: PendingChunk[] = [];
  private reconnects = 0;
  private stopping = false;
  private finished = false;
  private onFinished: (() => void) | null = null;

  private constructor(
    private readonly env: Env,
    readonly userId: string,
    readonly sessionId: string,
    private readonly format: AudioFormat,
  ) {}

  /** Opens the session object's stream for one track. */
  static async open(
    env: Env,
    userId: string,
    sessionId: string,
    format: AudioFormat,
  ): Promise<TrackSession> {
    const track = new TrackSession(env, userId, sessionId, format);
    await track.connect();
    return track;
  }

  /** Stream offset one past the last byte written. */
  get offset(): number {
    return this.nextOffset;
  }

  /**
   * Writes `bytes` at stream offset `at`. An offset past the end opens a gap
   * there. An offset before the end (late timestamps) appends at the end, so
   * no audio is dropped. Returns how many bytes were moved that way.
   */
  write(at: number, bytes: Uint8Array): number {
    if (bytes.length === 0) return 0;
    const late = Math.max(0, this.nextOffset - at);
    if (at > this.nextOffset) {
      this.nextOffset = at;
      this.sendStart(at);
    }
    this.pending.push({ start: this.nextOffset, bytes });
    this.nextOffset += bytes.length;
    this.trySend(bytes);
    return late;
  }

  /** Asks the object to upload everything and waits until it confirms. */
  async stop(): Promise<void> {
    if (this.finished) return;
    this.stopping = true;
    this.sendJson({ type: "stop" });
    const confirmed = new Promise<void>((resolve) => {
      this.onFinished = resolve;
    });
    const timeout = new Promise<void>((resolve) =>
      setTimeout(resolve, STOP_TIMEOUT_MS),
    );
    await Promise.race([confirmed, timeout]);
    if (!this.finished) {
      log.warn("twilio_track_stop_timed_out", this.ids());
    }
    this.close();
  }

  /** Closes without a stop; the object uploads what it holds on its own. */
  close(): void {
    this.finished = true;
    try {
      this.socket?.close(1000, "call track closed");
    } catch {
      // Already closed.
    }
    this.socket = null;
  }

  private async connect(): Promise<void> {
    const url = new URL(
      `https://audio-session/v1/sessions/${this.sessionId}/stream`,
    );
    url.searchParams.set("encoding", this.format.encoding);
    url.searchParams.set("sampleRate", String(this.format.sampleRate));
    url.searchParams.set("channels", String(this.format.channels));
    if (this.nextOffset > 0) {
      url.searchParams.set("offset", String(this.durableOffset));
    }

    const stub = this.env.AUDIO_SESSION.get(
      this.env.AUDIO_SESSION.idFromName(`${this.userId}/${this.sessionId}`),
    );
    const response = await stub.fetch(url.toString(), {
      headers: {
        upgrade: "websocket",
        [USER_HEADER]: this.userId,
        [SESSION_HEADER]: this.sessionId,
      },
    });
    const socket = response.webSocket;
    if (!socket) {
      throw new Error(
        `session ${this.sessionId} rejected the stream upgrade with status ${response.status}`,
      );
    }

    socket.accept();
    socket.addEventListener("message", (event) => {
      if (typeof event.data === "string") this.onMessage(event.data);
    });
    socket.addEventListener("close", (event) => {
      if (socket === this.socket) void this.onClose(event.code);
    });
    this.socket = socket;
    this.resendPending();
  }

  private onMessage(text: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    switch (message.type) {
      case "ready":
        if (message.reason === "resync") {
          this.sendStart(this.durableOffset);
          this.resendPending();
        }
        break;
      case "ack":
        this.onDurable(message);
        break;
      case "stopped":
        this.onDurable(message);
        this.finished = true;
        this.onFinished?.();
        break;
      case "error":
        log.warn("twilio_track_error", {
          ...this.ids(),
          code: message.code,
          message: message.message,
        });
        break;
    }
  }

  private onDurable(offsets: Record<string, unknown>): void {
    const journaled = Number(offsets.journaled ?? 0);
    const uploaded = Number(offsets.uploaded ?? 0);
    this.durableOffset = Math.max(this.durableOffset, journaled, uploaded);
    while (this.pending.length > 0) {
      const first = this.pending[0]!;
      if (first.start + first.bytes.length > this.durableOffset) break;
      this.pending.shift();
    }
  }

  private async onClose(code: number): Promise<void> {
    this.socket = null;
    if (this.finished) return;
    if (this.reconnects >= MAX_RECONNECTS || FATAL_CLOSE_CODES.has(code)) {
      log.error("twilio_track_failed", { ...this.ids(), code });
      this.finished = true;
      this.onFinished?.();
      return;
    }
    this.reconnects++;
    log.warn("twilio_track_reconnecting", {
      ...this.ids(),
      code,
      attempt: this.reconnects,
    });
    try {
      await this.connect();
      if (this.stopping) this.sendJson({ type: "stop" });
    } catch (error) {
      log.error("twilio_track_reconnect_failed", {
        ...this.ids(),
        error: errorMessage(error),
      });
      await this.onClose(code);
    }
  }

  /**
   * Sends every kept byte from the durable offset on, with a start message
   * before each chunk that follows a gap so it lands at its own offset.
   */
  private resendPending(): void {
    let cursor = this.durableOffset;
    for (const chunk of this.pending) {
      const skip = Math.max(0, cursor - chunk.start);
      if (skip >= chunk.bytes.length) continue;
      if (chunk.start + skip > cursor) this.sendStart(chunk.start + skip);
      this.trySend(chunk.bytes.subarray(skip));
      cursor = chunk.start + chunk.bytes.length;
    }
  }

  private sendStart(offset: number): void {
    this.sendJson({ type: "start", ...this.format, offset });
  }

  private sendJson(message: object): void {
    this.trySend(JSON.stringify(message));
  }

  private trySend(data: string | Uint8Array): void {
    try {
      this.socket?.send(data);
    } catch {
      // The close handler reconnects and resends.
    }
  }

  private ids() {
    return { userId: this.userId, sessionId: this.sessionId };
  }
}
