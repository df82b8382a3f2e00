/**
 * A resumable audio streaming client for Node (22 or newer) and browsers.
 *
 * It keeps every byte it sends until the server acknowledges it as durable
 * (journaled in the session object's SQLite storage, or uploaded to R2). When
 * the connection drops, it reconnects with backoff and resends from the
 * durable offset; the server drops the bytes it already holds.
 */

export interface StreamFormat {
  encoding: string;
  sampleRate: number;
  channels: number;
}

export interface StreamOffsets {
  /** Bytes handed to `send`. */
  sent: number;
  /** Bytes stored in the session object's memory. */
  received: number;
  /** Bytes stored durably, in the journal or in R2. */
  journaled: number;
  /** Bytes the server stored in R2. */
  uploaded: number;
}

export type ClientEvent =
  | { type: "state"; state: ConnectionState }
  | { type: "ready"; offsets: ServerOffsets; reason: string }
  | { type: "ack"; offsets: ServerOffsets }
  | { type: "uploaded"; key: string; start: number; end: number }
  | { type: "slow_down"; pendingBytes: number; limitBytes: number }
  | { type: "upload_failing"; failures: number; message: string }
  | { type: "error"; code: string; message: string }
  | { type: "reconnecting"; attempt: number; delayMs: number };

export type ConnectionState =
  "connecting" | "open" | "reconnecting" | "stopped" | "failed";

interface ServerOffsets {
  received: number;
  journaled: number;
  uploaded: number;
}

export interface AudioStreamClientOptions {
  /** ws:// or wss:// URL of /v1/sessions/{id}/stream, with any auth query. */
  url: string;
  format: StreamFormat;
  /** WebSocket subprotocols to offer, such as a bearer token for browsers. */
  protocols?: string[];
  /** First reconnect delay in ms; doubles up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Reconnect attempts in a row before the client gives up. */
  maxReconnectAttempts?: number;
  /** Time from opening a socket to the server's `ready` before retrying, in ms. */
  connectTimeoutMs?: number;
  onEvent?: (event: ClientEvent) => void;
}

/** Close codes after which reconnecting cannot help. */
const FATAL_CLOSE_CODES = new Set([1002, 1003, 1007, 1008, 1009]);

/** Error codes after which reconnecting cannot help, whatever the close code. */
const FATAL_ERROR_CODES = new Set([
  "bad_format",
  "format_mismatch",
  "format_required",
  "frame_too_large",
  "session_stopped",
  "session_too_long",
]);

interface PendingChunk {
  start: number;
  bytes: Uint8Array;
}

export class AudioStreamClient {
  private readonly options: Required<
    Omit<AudioStreamClientOptions, "protocols" | "onEvent">
  > &
    AudioStreamClientOptions;
  private socket: WebSocket | null = null;
  /** Sent bytes not yet durable, oldest first. */
  private readonly pending: PendingChunk[] = [];
  private sentOffset = 0;
  private server: ServerOffsets = { received: 0, journaled: 0, uploaded: 0 };
  private stateValue: ConnectionState = "connecting";
  private attempts = 0;
  private stopRequested = false;
  /** False until the first `ready`, which fixes where this client's bytes start. */
  private based = false;
  /** Offset the open socket's URL declared for its first byte, if any. */
  private declaredOffset: number | null = null;
  /** Abandons a socket that has not delivered `ready` in time. */
  private connectTimer: ReturnType<typeof setTimeout> | null = null;
  private fatalError: Error | null = null;
  /** The last error message that makes a reconnect pointless, if any. */
  private fatalReason: string | null = null;
  private readonly waiters: Array<{
    test: () => boolean;
    resolve: () => void;
    reject: (error: Error) => void;
  }> = [];

  constructor(options: AudioStreamClientOptions) {
    this.options = {
      reconnectDelayMs: 250,
      maxReconnectDelayMs: 5_000,
      maxReconnectAttempts: 20,
      connectTimeoutMs: 10_000,
      ...options,
    };
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  get offsets(): StreamOffsets {
    return { sent: this.sentOffset, ...this.server };
  }

  /** Bytes the client still keeps because the server has not stored them. */
  get bufferedBytes(): number {
    return this.sentOffset - this.durableOffset();
  }

  /** Opens the connection and resolves once the server is ready. */
  async connect(): Promise<void> {
    this.open();
    await this.waitFor(() => this.stateValue === "open");
  }

  /**
   * Queues audio and sends it when connected. The chunk is copied, so the
   * caller may reuse its buffer.
   */
  send(chunk: ArrayBuffer | ArrayBufferView): void {
    if (this.stopRequested) throw new Error("cannot send after stop()");
    const view = ArrayBuffer.isView(chunk)
      ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      : new Uint8Array(chunk);
    if (view.length === 0) return;

    const bytes = view.slice();
    this.pending.push({ start: this.sentOffset, bytes });
    this.sentOffset += bytes.length;
    if (this.stateValue === "open") this.sendOn(this.socket, bytes);
  }

  /** Sends a Blob, as from MediaRecorder, in order with other sends. */
  async sendBlob(blob: Blob): Promise<void> {
    this.send(new Uint8Array(await blob.arrayBuffer()));
  }

  /**
   * Asks the server to flush and finish the recording, and resolves when it
   * reports every sent byte stored.
   */
  async stop(): Promise<StreamOffsets> {
    this.stopRequested = true;
    if (this.stateValue === "open") this.sendJson({ type: "stop" });
    await this.waitFor(() => this.stateValue === "stopped");
    return this.offsets;
  }

  /** Waits until every sent byte is durable on the server. */
  async drained(): Promise<void> {
    await this.waitFor(() => this.durableOffset() >= this.sentOffset);
  }

  /** Closes without stopping the recording; it can be resumed later. */
  close(): void {
    this.stopRequested = true;
    this.setState("stopped");
    this.socket?.close(1000, "client closed");
  }

  /** Drops the connection as a network fault would, then resumes. For tests. */
  dropConnection(): void {
    this.socket?.close(4000, "dropped by client");
  }

  private open(): void {
    const url = new URL(this.options.url);
    const { encoding, sampleRate, channels } = this.options.format;
    url.searchParams.set("encoding", encoding);
    url.searchParams.set("sampleRate", String(sampleRate));
    url.searchParams.set("channels", String(channels));
    // The first connection appends at the server's end of stream; later ones
    // resume from the durable offset so nothing is lost or repeated.
    this.declaredOffset = this.based ? this.durableOffset() : null;
    if (this.declaredOffset !== null) {
      url.searchParams.set("offset", String(this.declaredOffset));
    }

    const socket = new WebSocket(url.toString(), this.options.protocols);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.addEventListener("message", (event) => {
      if (typeof event.data === "string") this.onMessage(socket, event.data);
    });
    socket.addEventListener("close", (event) =>
      this.onClose(socket, event.code, event.reason),
    );
    // Node 22's WebSocket can report a refused connection with `error` alone
    // and stay CONNECTING, so an error counts as an abnormal close (1006).
    socket.addEventListener("error", () =>
      this.abandon(socket, "connection failed"),
    );
    this.clearConnectTimer();
    this.connectTimer = setTimeout(
      () => this.abandon(socket, "no ready from the server in time"),
      this.options.connectTimeoutMs,
    );
  }

  private onMessage(socket: WebSocket, text: string): void {
    const message = JSON.parse(text) as Record<string, unknown> & {
      type: string;
    };
    switch (message.type) {
      case "ready":
        this.onReady(
          socket,
          message.offsets as ServerOffsets,
          String(message.reason),
        );
        break;
      case "ack":
        this.updateOffsets(message as unknown as ServerOffsets);
        this.emit({ type: "ack", offsets: this.server });
        break;
      case "stopped":
        this.updateOffsets(message as unknown as ServerOffsets);
        this.setState("stopped");
        break;
      case "error":
        if (FATAL_ERROR_CODES.has(String(message.code))) {
          // Fail now rather than at the close, which a proxy can delay.
          this.fatalReason = `${String(message.code)}: ${String(message.message)}`;
          this.socket = null;
          this.clearConnectTimer();
          socket.close(1000, "client gave up");
          this.fail(
            new Error(`server rejected the stream: ${this.fatalReason}`),
          );
        }
        this.emit({
          type: "error",
          code: String(message.code),
          message: String(message.message),
        });
        break;
      default:
        this.emit(message as unknown as ClientEvent);
    }
    this.settleWaiters();
  }

  /** Resends every kept byte the server may lack, then any stop. */
  private onReady(
    socket: WebSocket,
    offsets: ServerOffsets,
    reason: string,
  ): void {
    if (reason === "started") {
      // The reply to this client's own `start`, which already resent.
      this.updateOffsets(offsets);
      this.emit({ type: "ready", offsets: this.server, reason });
      return;
    }
    this.clearConnectTimer();
    if (!this.based) this.rebase(offsets.received);
    this.attempts = 0;
    if (reason === "resync") {
      // The server lost this socket's position: declare it again.
      this.updateOffsets(offsets);
      const from = this.durableOffset();
      this.sendJson({ type: "start", ...this.options.format, offset: from });
      this.resendFrom(socket, from);
    } else {
      // The server places this socket's first byte at the offset the URL
      // declared (or at its received offset when none was). The resend
      // starts there even if `ready` reports more bytes durable, and the
      // server drops the bytes it already holds.
      this.resendFrom(socket, this.declaredOffset ?? offsets.received);
      this.updateOffsets(offsets);
    }
    this.setState("open");
    this.emit({ type: "ready", offsets: this.server, reason });
    if (this.stopRequested) this.sendJson({ type: "stop" });
  }

  /** Sends every kept byte at or after stream offset `from`, in order. */
  private resendFrom(socket: WebSocket, from: number): void {
    for (const chunk of this.pending) {
      const skip = Math.max(0, from - chunk.start);
      if (skip < chunk.bytes.length) {
        this.sendOn(socket, chunk.bytes.subarray(skip));
      }
    }
  }

  /** Moves bytes queued before the first `ready` to the server's end of stream. */
  private rebase(base: number): void {
    this.based = true;
    for (const chunk of this.pending) chunk.start += base;
    this.sentOffset += base;
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  /** Gives up on a socket that failed without a close event, then retries. */
  private abandon(socket: WebSocket, reason: string): void {
    if (socket !== this.socket) return;
    // Detach first: closing a CONNECTING socket in Node fires `error` again
    // synchronously, which would re-enter here.
    this.onClose(socket, 1006, reason);
    try {
      socket.close();
    } catch {
      // Closing a socket that never opened can throw in some runtimes.
    }
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = null;
    this.clearConnectTimer();
    if (this.stateValue === "stopped") return;

    if (FATAL_CLOSE_CODES.has(code) || this.fatalReason) {
      const why = this.fatalReason ?? reason;
      this.fail(new Error(`server closed the stream with ${code}: ${why}`));
      return;
    }
    this.attempts++;
    if (this.attempts > this.options.maxReconnectAttempts) {
      this.fail(
        new Error(
          `gave up after ${this.options.maxReconnectAttempts} reconnect attempts`,
        ),
      );
      return;
    }
    const delayMs = Math.min(
      this.options.reconnectDelayMs * 2 ** (this.attempts - 1),
      this.options.maxReconnectDelayMs,
    );
    this.setState("reconnecting");
    this.emit({ type: "reconnecting", attempt: this.attempts, delayMs });
    setTimeout(() => this.open(), delayMs);
  }

  private updateOffsets(offsets: ServerOffsets): void {
    this.server = {
      received: offsets.received,
      journaled: offsets.journaled,
      uploaded: offsets.uploaded,
    };
    const durable = this.durableOffset();
    while (this.pending.length > 0) {
      const first = this.pending[0]!;
      if (first.start + first.bytes.length > durable) break;
      this.pending.shift();
    }
  }

  private durableOffset(): number {
    return Math.max(this.server.journaled, this.server.uploaded);
  }

  private sendJson(message: object): void {
    this.sendOn(this.socket, JSON.stringify(message));
  }

  /**
   * Sends on a socket that is open. Bytes not sent on a closing socket stay
   * kept until durable, so the resend after the reconnect carries them.
   */
  private sendOn(socket: WebSocket | null, data: string | Uint8Array): void {
    if (socket?.readyState === WebSocket.OPEN) socket.send(data);
  }

  private setState(state: ConnectionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit({ type: "state", state });
    this.settleWaiters();
  }

  private fail(error: Error): void {
    this.fatalError = error;
    this.setState("failed");
  }

  private emit(event: ClientEvent): void {
    this.options.onEvent?.(event);
  }

  private waitFor(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    if (this.fatalError) return Promise.reject(this.fatalError);
    return new Promise((resolve, reject) => {
      this.waiters.push({ test, resolve, reject });
    });
  }

  private settleWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (waiter.test()) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      } else if (this.fatalError) {
        this.waiters.splice(i, 1);
        waiter.reject(this.fatalError);
      }
    }
  }
}
