import { exports } from "cloudflare:workers";
import { userToken } from "./auth.ts";

/** A server message as the tests read it. */
export type ServerMessage = { type: string; [field: string]: unknown };

/** A real WebSocket to the Worker's stream route, with its messages queued. */
export class TestStream {
  readonly messages: ServerMessage[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(readonly ws: WebSocket) {
    ws.accept();
    ws.addEventListener("message", (event) => {
      if (typeof event.data === "string") {
        this.messages.push(JSON.parse(event.data) as ServerMessage);
        this.wake();
      }
    });
    ws.addEventListener("close", () => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves with the first message of `type`, or rejects once the socket closes without one. */
  async next(type: string): Promise<ServerMessage> {
    for (;;) {
      const found = this.messages.find((message) => message.type === type);
      if (found) return found;
      if (this.closed)
        throw new Error(
          `socket closed before a ${type} message: ${JSON.stringify(this.messages)}`,
        );
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Sends `bytes` in frames of `frameBytes`. */
  sendAudio(bytes: Uint8Array, frameBytes = 3_200): void {
    for (let i = 0; i < bytes.length; i += frameBytes) {
      this.ws.send(bytes.slice(i, i + frameBytes));
    }
  }

  /** Sends stop and waits for `stopped`. */
  async stop(): Promise<ServerMessage> {
    this.ws.send(JSON.stringify({ type: "stop" }));
    return this.next("stopped");
  }

  close(): void {
    try {
      this.ws.close(1000, "test done");
    } catch {
      // Already closed.
    }
  }
}

/** Opens a stream for `userId`/`sessionId` with a 16 kHz mono format and a fresh token. */
export async function openStream(
  userId: string,
  sessionId: string,
  headers: Record<string, string> = {},
): Promise<TestStream> {
  const token = await userToken(userId, sessionId);
  const response = await exports.default.fetch(
    `http://audio.test/v1/sessions/${sessionId}/stream?encoding=pcm_s16le&sampleRate=16000&channels=1`,
    {
      headers: {
        upgrade: "websocket",
        authorization: `Bearer ${token}`,
        ...headers,
      },
    },
  );
  if (response.status !== 101 || !response.webSocket) {
    throw new Error(
      `stream did not open: ${response.status} ${await response.text()}`,
    );
  }
  const stream = new TestStream(response.webSocket);
  await stream.next("ready");
  return stream;
}

/** PCM16 audio of `bytes` bytes with a recognizable pattern. */
export function testAudio(bytes: number, seed = 1): Uint8Array {
  const audio = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) audio[i] = (i * seed + 13) % 256;
  return audio;
}
