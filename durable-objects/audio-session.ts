import { DurableObject } from "cloudflare:workers";
import {
  bytesForDuration,
  bytesPerSecond,
  FormatError,
  parseFormat,
  sameFormat,
  type AudioFormat,
  type FormatInput,
} from "../src/audio/format.ts";
import { containerStartError } from "../src/audio/container.ts";
import { RingBuffer } from "../src/audio/ring-buffer.ts";
import { configFor, type Config } from "../src/config.ts";
import type { Env } from "../src/env.ts";
import { errorMessage, log } from "../src/log.ts";
import { CloseCode, sendableCloseCode } from "../src/protocol/close-codes.ts";
import {
  MessageError,
  isOffset,
  parseClientMessage,
  type Offsets,
} from "../src/protocol/messages.ts";
import { withFaults } from "../src/storage/fault-bucket.ts";
import { manifestKey } from "../src/storage/keys.ts";
import {
  SessionStore,
  type SessionRecord,
} from "../src/storage/session-store.ts";
import { jsonError } from "../src/http/responses.ts";
import { windowResponse } from "../src/session/window.ts";
import { restoreAudio } from "../src/session/restore.ts";
import { SessionAudio } from "../src/session/session-audio.ts";
import {
  closeSocket,
  frameBytes,
  send,
  sendErrorAndClose,
} from "../src/session/socket.ts";
import {
  retryDelayMs,
  uploadManifest,
  uploadNextSegment,
} from "../src/session/uploads.ts";
import { reportSession, type SessionReport } from "../src/session/report.ts";

/** Acknowledgements go out at most this often, in milliseconds. */
const ACK_INTERVAL_MS = 250;
/** Quiet time after which un-journaled audio is journaled anyway, in ms. */
const IDLE_JOURNAL_MS = 2_000;
/** An alarm this far past due counts as lost and is re-armed, in ms. */
const ALARM_OVERDUE_MS = 5_000;
/** Share of the pending limit above which the client is sent `slow_down`. */
const SLOW_DOWN_SHARE = 0.8;
/** Consecutive upload failures before the client is warned. */
const FAILURES_BEFORE_WARNING = 3;
/** Segments one alarm uploads at most, so one handler stays short. */
const SEGMENTS_PER_RUN = 8;

/** Headers the Worker sets when it forwards a request to the object. */
export const USER_HEADER = "x-audio-user-id";
export const SESSION_HEADER = "x-audio-session-id";

/**
 * One streaming session: a WebSocket feeds audio into a sliding window in
 * memory, a SQLite journal keeps what R2 does not have yet, and the alarm
 * uploads segments to R2. Sockets use the Hibernation API, so the object can
 * sleep through silence and rebuild its state from storage when it wakes.
 */
export class AudioSession extends DurableObject<Env> {
  private readonly config: Config;
  private readonly store: SessionStore;
  private readonly bucket: R2Bucket;
  private record: SessionRecord | null = null;
  private audio: SessionAudio | null = null;
  /** Stream offset of the next byte each socket sends; absent until known. */
  private readonly nextOffset = new Map<WebSocket, number>();
  private alarmAt: number | null = null;
  private emergencyScheduled = false;
  private upload: Promise<void> | null = null;
  private manifestStale = false;
  private lastJournalAt = Date.now();
  private lastAudioAt = 0;
  private lastAck: Offsets = { received: -1, journaled: -1, uploaded: -1 };
  private lastAckAt = 0;
  private lastSlowDownAt = 0;
  private tickTimer: ReturnType<typeof setTimeout> | null = null;
  /** Frames waiting behind a Blob read, or null when none wait. */
  private frameQueue: Promise<void> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = configFor(env);
    this.bucket = withFaults(env.AUDIO_BUCKET, this.config);
    this.store = new SessionStore(ctx.storage);
    void ctx.blockConcurrencyWhile(() => this.restore());
  }

  private async restore(): Promise<void> {
    this.record = this.store.loadSession();
    this.alarmAt = await this.ctx.storage.getAlarm();
    if (!this.record?.format) return;

    this.audio = await restoreAudio(
      this.store,
      this.bucket,
      this.record,
      this.windowCapacity(this.record.format),
    );
    this.manifestStale = this.audio.pendingBytes > 0;
    if (this.ctx.getWebSockets().length > 0) {
      log.info("session_woke", { ...this.ids(), ...this.offsets() });
    }
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    try {
      if (url.pathname.endsWith("/window")) return this.serveWindow(request);
      if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
        return this.acceptStream(request, url);
      }
      return jsonError(404, "not_found", `no route for ${url.pathname}`);
    } catch (error) {
      log.error("session_fetch_failed", {
        ...this.ids(),
        error: errorMessage(error),
      });
      return jsonError(500, "internal_error", "the session object failed");
    }
  }

  private serveWindow(request: Request): Response {
    if (!this.audio || !this.record?.format) {
      return jsonError(404, "not_found", "this session has no audio in memory");
    }
    return windowResponse(
      this.audio.ring,
      this.record.format,
      request,
      this.config.windowMs,
    );
  }

  private acceptStream(request: Request, url: URL): Response {
    const userId = request.headers.get(USER_HEADER) ?? "";
    const sessionId = request.headers.get(SESSION_HEADER) ?? "";
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];

    for (const old of this.ctx.getWebSockets()) {
      closeSocket(old, CloseCode.normal, "replaced by a newer connection");
      this.nextOffset.delete(old);
    }
    this.ctx.acceptWebSocket(server);
    this.record ??= this.newRecord(userId, sessionId);
    this.store.saveSession(this.record);

    const params = Object.fromEntries(url.searchParams);
    const declared = params.encoding ?? params.sampleRate ?? params.channels;
    const offset =
      params.offset === undefined ? undefined : Number(params.offset);
    if (declared !== undefined) {
      this.start(server, { ...params, offset }, "connected");
    } else {
      this.sendReady(server, "connected");
    }
    log.info("session_connected", { ...this.ids(), ...this.offsets() });
    return new Response(null, { status: 101, webSocket: client });
  }

  private newRecord(userId: string, sessionId: string): SessionRecord {
    return {
      userId,
      sessionId,
      format: null,
      state: "streaming",
      uploaded: 0,
      startedAt: 0,
      uploadSuccesses: 0,
      uploadFailures: 0,
      consecutiveFailures: 0,
      lastUploadMs: 0,
      lastError: "",
    };
  }

  /**
   * Handles one frame. An ArrayBuffer is handled at once. A Blob must be read
   * first, so while any read is pending, later frames (text included) wait
   * in a queue and are stored in the order they arrived.
   */
  override webSocketMessage(
    ws: WebSocket,
    message: string | ArrayBuffer | Blob,
  ): Promise<void> {
    const isBlob =
      typeof message === "object" && !(message instanceof ArrayBuffer);
    if (!isBlob && !this.frameQueue) return this.handleMessage(ws, message);

    const queued = (this.frameQueue ?? Promise.resolve()).then(() =>
      this.handleMessage(ws, message),
    );
    const tail = queued.finally(() => {
      if (this.frameQueue === tail) this.frameQueue = null;
    });
    this.frameQueue = tail;
    return tail;
  }

  private async handleMessage(
    ws: WebSocket,
    message: string | ArrayBuffer | Blob,
  ): Promise<void> {
    try {
      if (typeof message === "string") {
        await this.onControl(ws, message);
      } else {
        // An ArrayBuffer, the usual case, skips the async read and its promise.
        const bytes =
          message instanceof ArrayBuffer
            ? new Uint8Array(message)
            : await frameBytes(message);
        this.onAudio(ws, bytes);
      }
    } catch (error) {
      log.error("session_message_failed", {
        ...this.ids(),
        error: errorMessage(error),
      });
      sendErrorAndClose(
        ws,
        CloseCode.internalError,
        "internal_error",
        "the session failed to store audio; reconnect to resume",
      );
    }
  }

  private async onControl(ws: WebSocket, text: string): Promise<void> {
    let message;
    try {
      message = parseClientMessage(text);
    } catch (error) {
      if (!(error instanceof MessageError)) throw error;
      send(ws, { type: "error", code: error.code, message: error.message });
      return;
    }

    if (message.type === "ping") {
      send(ws, { type: "pong", id: message.id, serverTime: Date.now() });
    } else if (message.type === "start") {
      this.start(ws, message, "started");
    } else {
      await this.stop(ws);
    }
  }

  /**
   * Declares the format (once per session) and where the client's next byte
   * sits in the stream. Bytes below the received offset are dropped as
   * duplicates; an offset past it records a gap.
   */
  private start(
    ws: WebSocket,
    message: FormatInput & { offset?: unknown },
    reason: "connected" | "started",
  ): void {
    const record = this.requireRecord();
    if (message.offset !== undefined && !isOffset(message.offset)) {
      send(ws, {
        type: "error",
        code: "bad_message",
        message: `offset ${JSON.stringify(message.offset)} is invalid: expected a non-negative integer`,
      });
      return;
    }

    const checked = this.checkFormat(message);
    if ("error" in checked) {
      sendErrorAndClose(
        ws,
        CloseCode.unsupportedData,
        checked.error,
        checked.message,
      );
      return;
    }
    const format = checked.format;

    const audio = this.audio ?? this.createAudio(record, format);
    const offset = (message.offset as number | undefined) ?? audio.received;
    if (offset > audio.received && record.state === "streaming") {
      const gap = audio.skipTo(offset);
      log.warn("session_gap", { ...this.ids(), ...gap });
    }
    this.nextOffset.set(ws, offset);
    this.sendReady(ws, reason);
  }

  /** Parses a declared format and checks it matches the session's, if any. */
  private checkFormat(
    input: FormatInput,
  ):
    | { format: AudioFormat }
    | { error: "bad_format" | "format_mismatch"; message: string } {
    let format: AudioFormat;
    try {
      format = parseFormat(input);
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      return { error: "bad_format", message: error.message };
    }
    const current = this.record?.format;
    if (current && !sameFormat(current, format)) {
      return {
        error: "format_mismatch",
        message: `this session streams ${describe(current)}; a new format needs a new session`,
      };
    }
    return { format };
  }

  private createAudio(
    record: SessionRecord,
    format: AudioFormat,
  ): SessionAudio {
    record.format = format;
    record.startedAt = Date.now();
    this.store.saveSession(record);
    const ring = new RingBuffer(this.windowCapacity(format));
    this.audio = new SessionAudio(this.store, ring, 0, []);
    void this.report("streaming");
    return this.audio;
  }

  private onAudio(ws: WebSocket, bytes: Uint8Array): void {
    const record = this.requireRecord();
    const audio = this.audio;
    if (!audio || !record.format) {
      sendErrorAndClose(
        ws,
        CloseCode.protocolError,
        "format_required",
        "declare the format (encoding, sampleRate, channels) before sending audio",
      );
      return;
    }
    if (bytes.length > this.config.maxFrameBytes) {
      sendErrorAndClose(
        ws,
        CloseCode.messageTooBig,
        "frame_too_large",
        `frame of ${bytes.length} bytes exceeds the maximum of ${this.config.maxFrameBytes}`,
      );
      return;
    }

    const at = this.nextOffset.get(ws);
    if (at === undefined) {
      // The object woke without this socket's position: ask for a resume.
      this.sendReady(ws, "resync");
      return;
    }
    this.nextOffset.set(ws, at + bytes.length);
    const duplicate = Math.max(0, Math.min(bytes.length, audio.received - at));
    const chunk = duplicate === 0 ? bytes : bytes.subarray(duplicate);
    if (chunk.length === 0) return;
    // Checked after the duplicates are dropped: a client that resumes after
    // its stop resends bytes the session already has.
    if (record.state !== "streaming") {
      sendErrorAndClose(
        ws,
        CloseCode.policyViolation,
        "session_stopped",
        "this session was stopped; start a new session to record more",
      );
      return;
    }
    const badStart = containerStartError(record.format, at + duplicate, chunk);
    if (badStart) {
      sendErrorAndClose(ws, CloseCode.unsupportedData, "bad_format", badStart);
      return;
    }

    if (!this.withinLimits(ws, audio, record.format, chunk.length)) return;
    audio.append(chunk);
    this.afterAppend(audio);
  }

  private withinLimits(
    ws: WebSocket,
    audio: SessionAudio,
    format: AudioFormat,
    length: number,
  ): boolean {
    const maxBytes = this.config.maxSessionSeconds * bytesPerSecond(format);
    if (audio.received + length > maxBytes) {
      sendErrorAndClose(
        ws,
        CloseCode.policyViolation,
        "session_too_long",
        `session reached its maximum of ${this.config.maxSessionSeconds} s of audio; send stop or start a new session`,
      );
      this.flushAfterClose();
      return false;
    }

    const pending = audio.pendingBytes + length;
    const limit = this.config.maxPendingBytes;
    if (pending > limit) {
      sendErrorAndClose(
        ws,
        CloseCode.tryAgainLater,
        "backpressure",
        `storage is behind by ${pending} bytes; reconnect later and resume from the journaled offset`,
      );
      return false;
    }
    const now = Date.now();
    if (
      pending > limit * SLOW_DOWN_SHARE &&
      now - this.lastSlowDownAt > 1_000
    ) {
      this.lastSlowDownAt = now;
      send(ws, { type: "slow_down", pendingBytes: pending, limitBytes: limit });
    }
    return true;
  }

  private afterAppend(audio: SessionAudio): void {
    const now = Date.now();
    this.lastAudioAt = now;
    const interval = this.config.journalIntervalMs;
    if (interval > 0 && now - this.lastJournalAt >= interval) {
      audio.flushJournal();
      this.lastJournalAt = now;
    }

    if (
      !this.emergencyScheduled &&
      audio.pendingInMemoryBytes > this.config.maxMemoryBytes
    ) {
      this.emergencyScheduled = true;
      this.alarmAt = now;
      void this.ctx.storage.setAlarm(now);
      log.info("emergency_flush", {
        ...this.ids(),
        pendingBytes: audio.pendingInMemoryBytes,
      });
    }
    this.ensureAlarm(now);
    this.sendAck(now);
  }

  /**
   * Re-arms the alarm when none is pending or the pending one is overdue.
   * The local runtime can drop alarms across restarts, so every audio event
   * checks; the check reads memory only, never storage.
   */
  private ensureAlarm(now: number): void {
    if (this.alarmAt !== null && this.alarmAt > now - ALARM_OVERDUE_MS) return;
    this.alarmAt = now + this.config.uploadIntervalMs;
    void this.ctx.storage.setAlarm(this.alarmAt);
  }

  /** Sends offsets if they changed, at most every ACK_INTERVAL_MS. */
  private sendAck(now: number): void {
    const audio = this.audio;
    const changed =
      !audio ||
      audio.received !== this.lastAck.received ||
      audio.journaled !== this.lastAck.journaled ||
      audio.uploaded !== this.lastAck.uploaded;
    if (!changed) return;
    if (now - this.lastAckAt < ACK_INTERVAL_MS) {
      this.scheduleTick();
      return;
    }

    const offsets = this.offsets();
    this.lastAck = offsets;
    this.lastAckAt = now;
    for (const ws of this.ctx.getWebSockets())
      send(ws, { type: "ack", ...offsets });
    this.scheduleTick();
  }

  /**
   * Starts a short timer that sends the trailing acknowledgement and journals audio
   * once the client goes quiet, so a hibernating object loses nothing. It
   * stops re-arming once both are done, which lets the object hibernate.
   */
  private scheduleTick(): void {
    if (this.tickTimer) return;
    this.tickTimer = setTimeout(() => {
      this.tickTimer = null;
      const audio = this.audio;
      if (!audio) return;
      const now = Date.now();
      if (now - this.lastAudioAt >= IDLE_JOURNAL_MS && audio.flushJournal()) {
        this.lastJournalAt = now;
      }
      this.sendAck(now);
      if (audio.journaled < audio.received) this.scheduleTick();
    }, ACK_INTERVAL_MS);
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    this.emergencyScheduled = false;
    try {
      await this.uploadPending("alarm");
      if (this.record?.state === "stopping") await this.finish();
    } catch (error) {
      log.error("alarm_failed", { ...this.ids(), error: errorMessage(error) });
    }
    // Re-armed last: a handler that throws after setAlarm loses its retry.
    this.rearm();
  }

  private rearm(): void {
    const audio = this.audio;
    const record = this.record;
    if (!audio || !record) return;
    const work =
      audio.pendingBytes > 0 ||
      this.manifestStale ||
      record.state === "stopping";
    if (!work) return;

    const failures = record.consecutiveFailures;
    const interval = this.config.uploadIntervalMs;
    const delay = failures > 0 ? retryDelayMs(failures, interval) : interval;
    const at = Date.now() + delay;
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  /**
   * Uploads what is pending. Concurrent callers share one run: the alarm,
   * a stop and a disconnect never upload the same range twice at once.
   */
  private uploadPending(reason: string): Promise<void> {
    this.upload ??= this.runUploads(reason).finally(() => {
      this.upload = null;
    });
    return this.upload;
  }

  private async runUploads(reason: string): Promise<void> {
    const audio = this.audio;
    const record = this.record;
    if (!audio || !record?.format) return;
    if (this.config.journalIntervalMs > 0) audio.flushJournal();

    try {
      for (let i = 0; i < SEGMENTS_PER_RUN; i++) {
        const started = Date.now();
        const segment = await uploadNextSegment(
          this.bucket,
          this.store,
          audio,
          record,
        );
        if (!segment) break;
        this.onUploaded(record, started);
        this.manifestStale = true;
        for (const ws of this.ctx.getWebSockets()) {
          send(ws, {
            type: "uploaded",
            key: segment.key,
            start: segment.start,
            end: segment.end,
          });
        }
        log.info("segment_uploaded", {
          ...this.ids(),
          reason,
          key: segment.key,
          bytes: segment.end - segment.start,
          ms: record.lastUploadMs,
        });
      }
      if (this.manifestStale) {
        await uploadManifest(this.bucket, this.store, audio, record, false);
        this.manifestStale = false;
      }
    } catch (error) {
      this.onUploadFailed(record, error, reason);
      throw error;
    } finally {
      this.store.saveSession({ ...record, uploaded: audio.uploaded });
      this.sendAck(Date.now());
      void this.report(record.state);
    }
  }

  private onUploaded(record: SessionRecord, started: number): void {
    record.uploaded = this.audio?.uploaded ?? record.uploaded;
    record.uploadSuccesses++;
    record.consecutiveFailures = 0;
    record.lastUploadMs = Date.now() - started;
  }

  private onUploadFailed(
    record: SessionRecord,
    error: unknown,
    reason: string,
  ): void {
    record.uploadFailures++;
    record.consecutiveFailures++;
    record.lastError = errorMessage(error);
    const failures = record.consecutiveFailures;
    log.warn("upload_failed", {
      ...this.ids(),
      reason,
      failures,
      error: record.lastError,
      retryInMs: retryDelayMs(failures, this.config.uploadIntervalMs),
    });
    if (failures >= FAILURES_BEFORE_WARNING) {
      for (const ws of this.ctx.getWebSockets()) {
        send(ws, {
          type: "upload_failing",
          failures,
          message:
            "uploads to storage are failing; audio is kept in the journal and retried",
        });
      }
    }
  }

  /** Flushes everything, writes the complete manifest and closes. */
  private async stop(ws: WebSocket): Promise<void> {
    const record = this.requireRecord();
    if (!this.audio || !record.format) {
      sendErrorAndClose(
        ws,
        CloseCode.protocolError,
        "format_required",
        "nothing to stop: no format was declared and no audio was sent",
      );
      return;
    }
    if (record.state === "streaming") {
      record.state = "stopping";
      this.store.saveSession(record);
    }

    try {
      await this.finish();
    } catch (error) {
      sendErrorAndClose(
        ws,
        CloseCode.internalError,
        "internal_error",
        `stop could not upload every byte (${errorMessage(error)}); the journal keeps the audio and the alarm retries`,
      );
      this.rearm();
      return;
    }
    send(ws, {
      type: "stopped",
      manifestKey: this.manifestKey(),
      ...this.offsets(),
    });
    closeSocket(ws, CloseCode.normal, "session stopped");
  }

  private async finish(): Promise<void> {
    const audio = this.audio;
    const record = this.record;
    if (!audio || !record || record.state === "stopped") return;

    audio.flushJournal();
    while (audio.pendingBytes > 0) await this.uploadPending("stop");
    await uploadManifest(this.bucket, this.store, audio, record, true);
    record.state = "stopped";
    this.manifestStale = false;
    this.store.saveSession(record);
    log.info("session_stopped", { ...this.ids(), ...this.offsets() });
    void this.report("stopped");
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string) {
    this.nextOffset.delete(ws);
    closeSocket(ws, sendableCloseCode(code), reason);
    log.info("session_disconnected", {
      ...this.ids(),
      code,
      ...this.offsets(),
    });
    this.flushAfterClose();
  }

  override async webSocketError(ws: WebSocket, error: unknown) {
    this.nextOffset.delete(ws);
    log.warn("socket_error", { ...this.ids(), error: errorMessage(error) });
    this.flushAfterClose();
  }

  /** Journals the audio in memory and uploads it, with the alarm as backstop. */
  private flushAfterClose(): void {
    const audio = this.audio;
    if (!audio || this.record?.state === "stopped") return;
    if (audio.flushJournal()) this.lastJournalAt = Date.now();
    if (audio.pendingBytes === 0) return;

    this.ensureAlarm(Date.now());
    this.uploadPending("disconnect").catch(() => this.rearm());
  }

  private sendReady(
    ws: WebSocket,
    reason: "connected" | "started" | "resync",
  ): void {
    const record = this.requireRecord();
    send(ws, {
      type: "ready",
      reason,
      sessionId: record.sessionId,
      userId: record.userId,
      format: record.format,
      offsets: this.offsets(),
      state:
        record.state === "stopped"
          ? "stopped"
          : record.format
            ? "streaming"
            : "idle",
    });
  }

  private offsets(): Offsets {
    const audio = this.audio;
    if (!audio) return { received: 0, journaled: 0, uploaded: 0 };
    return {
      received: audio.received,
      journaled: audio.journaled,
      uploaded: audio.uploaded,
    };
  }

  private ids() {
    return { userId: this.record?.userId, sessionId: this.record?.sessionId };
  }

  private manifestKey(): string {
    const record = this.requireRecord();
    return manifestKey(record.userId, record.sessionId);
  }

  private requireRecord(): SessionRecord {
    if (!this.record) throw new Error("session record is missing");
    return this.record;
  }

  private windowCapacity(format: AudioFormat): number {
    return bytesForDuration(format, this.config.windowMs);
  }

  private async report(state: string): Promise<void> {
    const record = this.record;
    if (!record) return;
    const snapshot: SessionReport = {
      userId: record.userId,
      sessionId: record.sessionId,
      state,
      ...this.offsets(),
      memoryBytes: this.audio?.ring.capacity ?? 0,
      uploadSuccesses: record.uploadSuccesses,
      uploadFailures: record.uploadFailures,
      consecutiveFailures: record.consecutiveFailures,
      lastUploadMs: record.lastUploadMs,
      lastError: record.lastError,
      reportedAt: Date.now(),
    };
    await reportSession(this.env, snapshot);
  }
}

function describe(format: AudioFormat): string {
  return `${format.encoding} at ${format.sampleRate} Hz, ${format.channels} channel(s)`;
}
