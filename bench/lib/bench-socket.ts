import WebSocket from "ws";

/** A JSON message from the session object or the bare counter. */
export interface ServerMessage {
  type: string;
  received?: number;
  uploaded?: number;
  code?: string;
  message?: string;
  [field: string]: unknown;
}

/**
 * One bench connection: a `ws` socket that parses server messages, keeps
 * the highest acknowledged offset and lets callers wait for a message type.
 */
export class BenchSocket {
  readonly ws: WebSocket;
  /** Highest `received` offset any ack or stopped message reported. */
  received = 0;
  /** Messages of type "error", kept to report why a run failed. */
  readonly errors: ServerMessage[] = [];
  /** Pong messages received so far. */
  pongs = 0;
  closeCode: number | null = null;
  onAck: ((received: number, at: number) => void) | null = null;
  private waiters: Array<{
    type: string;
    resolve: (message: ServerMessage) => void;
    reject: (error: Error) => void;
  }> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.binaryType = "arraybuffer";
    ws.on("message", (data, isBinary) => {
      if (!isBinary) this.onMessage(JSON.parse(String(data)) as ServerMessage);
    });
    ws.on("close", (code) => {
      this.closeCode = code;
      const waiting = this.waiters;
      this.waiters = [];
      const errors = JSON.stringify(this.errors);
      for (const waiter of waiting) {
        waiter.reject(
          new Error(
            `socket closed with code ${code} while waiting for "${waiter.type}" (errors ${errors})`,
          ),
        );
      }
    });
  }

  /** Opens `url` and resolves once the server sent `ready`. */
  static async open(url: string, timeoutMs = 30_000): Promise<BenchSocket> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const socket = new BenchSocket(ws);
    const ready = socket.next("ready", timeoutMs);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
      ws.once("unexpected-response", (_request, response) =>
        reject(new Error(`${url} returned HTTP ${response.statusCode}`)),
      );
    });
    await ready;
    return socket;
  }

  private onMessage(message: ServerMessage): void {
    const at = performance.now();
    if (message.type === "error") this.errors.push(message);
    if (message.type === "pong") this.pongs++;
    if (typeof message.received === "number") {
      this.received = Math.max(this.received, message.received);
      if (message.type === "ack") this.onAck?.(message.received, at);
    }
    const waiting = this.waiters.filter((w) => w.type === message.type);
    this.waiters = this.waiters.filter((w) => w.type !== message.type);
    for (const waiter of waiting) waiter.resolve(message);
  }

  /** Resolves with the next message of `type`; rejects after `timeoutMs`. */
  next(type: string, timeoutMs: number): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      if (this.closeCode !== null) {
        reject(
          new Error(
            `socket already closed with code ${this.closeCode}; no "${type}" message will come`,
          ),
        );
        return;
      }
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(
          new Error(
            `no "${type}" message within ${timeoutMs} ms (close code ${this.closeCode}, errors ${JSON.stringify(this.errors)})`,
          ),
        );
      }, timeoutMs);
      const done = (message: ServerMessage) => {
        clearTimeout(timer);
        resolve(message);
      };
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      this.waiters.push({ type, resolve: done, reject: fail });
    });
  }

  /** Resolves once an ack reports at least `offset` received bytes. */
  async waitForReceived(offset: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.received < offset) {
      const left = deadline - performance.now();
      if (left <= 0 || this.closeCode !== null) {
        throw new Error(
          `acks reached ${this.received} of ${offset} bytes within ${timeoutMs} ms (close code ${this.closeCode})`,
        );
      }
      await this.next("ack", left).catch(() => undefined);
    }
  }

  sendJson(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Sends a ping; its pong comes back after every earlier frame was handled. */
  ping(): void {
    this.sendJson({ type: "ping" });
  }

  /** Resolves once `count` pongs in all have arrived. */
  async waitForPongs(count: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.pongs < count) {
      const left = deadline - performance.now();
      if (left <= 0 || this.closeCode !== null) {
        throw new Error(
          `received ${this.pongs} of ${count} pongs within ${timeoutMs} ms (close code ${this.closeCode})`,
        );
      }
      await this.next("pong", left).catch(() => undefined);
    }
  }

  /** Sends stop and resolves with the server's `stopped` message. */
  async stop(timeoutMs: number): Promise<ServerMessage> {
    const stopped = this.next("stopped", timeoutMs);
    this.sendJson({ type: "stop" });
    return stopped;
  }

  /** Resolves once the client's send buffer has at most `bytes` queued. */
  async drainTo(bytes: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.ws.bufferedAmount > bytes) {
      if (performance.now() > deadline) {
        throw new Error(
          `send buffer stayed above ${bytes} bytes for ${timeoutMs} ms`,
        );
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  close(): void {
    this.ws.close(1000, "bench done");
  }
}
