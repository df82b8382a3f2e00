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
  /** Bytes the server holds in memory. */
  received: number;
  /** Bytes the server holds in storage (journal or R2). */
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
  onEvent?: (event: ClientEvent) => void;
}

/** `readyState` of an open socket in the WHATWG WebSocket interface. */
const SOCKET_OPEN = 1;

/** Close codes after which reconnecting cannot help. */
const FATAL_CLOSE_CODES = new Set([1002, 1003, 1007, 1008, 1009]);

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
  /** Stream offset the server expects this socket's next frame at. */
  private declaredOffset = 0;
  /** `start` messages sent on this socket that the server has not answered. */
  private startsInFlight = 0;
  private fatalError: Error | null = null;
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
    if (this.stateValue === "open" && this.isSocketOpen()) {
      this.socket?.send(bytes);
    }
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
    if (this.based) {
      this.declaredOffset = this.durableOffset();
      url.searchParams.set("offset", String(this.declaredOffset));
    }

    this.startsInFlight = 0;
    const socket = new WebSocket(url.toString(), this.options.protocols);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.addEventListener("message", (event) => {
      if (typeof event.data === "string") this.onMessage(socket, event.data);
    });
    socket.addEventListener("close", (event) =>
      this.onClose(socket, event.code, event.reason),
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

  /** Resends every kept byte from the durable offset, then any stop. */
  private onReady(
    socket: WebSocket,
    offsets: ServerOffsets,
    reason: string,
  ): void {
    if (!this.based) {
      this.rebase(offsets.received);
      this.declaredOffset = offsets.received;
    }
    this.updateOffsets(offsets);
    this.attempts = 0;
    if (reason === "started" && this.startsInFlight > 0) {
      // This answers a `start` sent below, after which the kept bytes were
      // already resent. Sending them again would append them twice, since
      // the server places each frame after the previous one.
      this.startsInFlight--;
      this.emit({ type: "ready", offsets: this.server, reason });
      return;
    }

    // The server flushes its journal when a socket closes, so `ready` can
    // report a durable offset past the one this socket declared. The kept
    // bytes then start later, and the server must be told where.
    const from = Math.max(
      this.durableOffset(),
      this.pending[0]?.start ?? this.sentOffset,
    );
    if (reason === "resync" || from !== this.declaredOffset) {
      this.sendJson({ type: "start", offset: from });
      this.declaredOffset = from;
      this.startsInFlight++;
    }
    for (const chunk of this.pending) {
      const skip = Math.max(0, from - chunk.start);
      if (skip < chunk.bytes.length) socket.send(chunk.bytes.subarray(skip));
    }
    this.setState("open");
    this.emit({ type: "ready", offsets: this.server, reason });
    if (this.stopRequested) this.sendJson({ type: "stop" });
  }

  /** Moves bytes queued before the first `ready` to the server's end of stream. */
  private rebase(base: number): void {
    this.based = true;
    for (const chunk of this.pending) chunk.start += base;
    this.sentOffset += base;
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = null;
    if (this.stateValue === "stopped") return;

    if (FATAL_CLOSE_CODES.has(code)) {
      this.fail(new Error(`server closed the stream with ${code}: ${reason}`));
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
    if (this.isSocketOpen()) this.socket?.send(JSON.stringify(message));
  }

  /**
   * False while a dropped socket is closing but its close event has not
   * fired yet. Bytes not sent then stay kept and are resent on reconnect.
   */
  private isSocketOpen(): boolean {
    return this.socket !== null && this.socket.readyState === SOCKET_OPEN;
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
