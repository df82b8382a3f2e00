import { withTimeout } from "./wait.ts";

/** A JSON message the server sent, as parsed. */
export type ServerMessage = Record<string, unknown> & { type: string };

/** The close code and reason a socket reported. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/**
 * A plain WebSocket that records every server message and its close, for
 * tests that speak the protocol directly.
 */
export class RawSocket {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<CloseInfo>;
  private readonly socket: WebSocket;
  private readonly opened: Promise<void>;

  constructor(url: URL | string) {
    this.socket = new WebSocket(url);
    this.socket.binaryType = "arraybuffer";
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener("open", () => resolve());
      this.socket.addEventListener("error", () =>
        reject(new Error(`WebSocket to ${url} failed`)),
      );
    });
    this.closed = new Promise((resolve) => {
      this.socket.addEventListener("close", (event) =>
        resolve({ code: event.code, reason: event.reason }),
      );
    });
    this.socket.addEventListener("message", (event) => {
      if (typeof event.data === "string") {
        this.messages.push(JSON.parse(event.data) as ServerMessage);
      }
    });
  }

  open(): Promise<void> {
    return withTimeout(this.opened, 15_000, "WebSocket open");
  }

  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
    this.socket.send(data);
  }

  close(code = 1000, reason = "test done"): void {
    this.socket.close(code, reason);
  }

  /** Waits for the next message of `type` after the first `skip` of them. */
  async next(
    type: string,
    skip = 0,
    timeoutMs = 10_000,
  ): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.filter((m) => m.type === type)[skip];
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for a "${type}" message; got ${JSON.stringify(this.messages)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  closedWithin(timeoutMs = 10_000): Promise<CloseInfo> {
    return withTimeout(
      this.closed,
      timeoutMs,
      "the server to close the socket",
    );
  }
}
