import { exports } from "cloudflare:workers";
import { userToken } from "./helpers/auth.ts";

/** A server message as the tests read it. */
export type ServerMessage = Record<string, unknown> & { type: string };

/** A WebSocket to a session's stream with its messages collected in order. */
export interface TestStream {
  socket: WebSocket;
  messages: ServerMessage[];
  /** Resolves with the first message (from now or earlier) of this type. */
  next(type: string): Promise<ServerMessage>;
}

/** Opens /v1/sessions/{sessionId}/stream through the Worker. */
export async function openStream(
  userId: string,
  sessionId: string,
  query: Record<string, string | number> = {},
): Promise<TestStream> {
  const url = new URL(`http://x/v1/sessions/${sessionId}/stream`);
  url.searchParams.set("token", await userToken(userId, sessionId));
  for (const [name, value] of Object.entries(query)) {
    url.searchParams.set(name, String(value));
  }
  const response = await exports.default.fetch(url, {
    headers: { upgrade: "websocket" },
  });
  const socket = response.webSocket;
  if (!socket) throw new Error(`upgrade failed with ${response.status}`);
  socket.accept();

  const messages: ServerMessage[] = [];
  const waiters: Array<() => void> = [];
  socket.addEventListener("message", (event) => {
    if (typeof event.data !== "string") return;
    messages.push(JSON.parse(event.data) as ServerMessage);
    for (const wake of waiters.splice(0)) wake();
  });
  socket.addEventListener("close", () => {
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (type: string): Promise<ServerMessage> => {
    for (let waited = 0; waited < 200; waited++) {
      const found = messages.find((message) => message.type === type);
      if (found) return found;
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    throw new Error(
      `no ${type} message; got ${JSON.stringify(messages.map((m) => m.type))}`,
    );
  };
  return { socket, messages, next };
}

/**
 * Streams `audio` in frames of `frameBytes` into a new session with the given
 * format, stops it, and waits until the recording is complete.
 */
export async function recordSession(
  userId: string,
  sessionId: string,
  format: { encoding: string; sampleRate: number; channels: number },
  audio: Uint8Array,
  frameBytes = 4096,
): Promise<void> {
  const stream = await openStream(userId, sessionId, format);
  await stream.next("ready");
  for (let at = 0; at < audio.length; at += frameBytes) {
    stream.socket.send(audio.slice(at, at + frameBytes));
  }
  stream.socket.send(JSON.stringify({ type: "stop" }));
  const stopped = await stream.next("stopped");
  if (stopped.received !== audio.length) {
    throw new Error(
      `session stopped at ${String(stopped.received)} of ${audio.length} bytes`,
    );
  }
}

/** Deterministic bytes that are not all alike, for byte-exact checks. */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/**
 * Fetches a path on the Worker as the user it names: the `userId` query
 * parameter (removed before sending) or the user segment of a recording path.
 */
export async function request(
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const url = new URL(`http://x${path}`);
  const userId =
    url.searchParams.get("userId") ??
    /^\/v1\/recordings\/([^/]+)\//.exec(url.pathname)?.[1];
  url.searchParams.delete("userId");
  const headers = new Headers(init.headers);
  if (userId) {
    headers.set("authorization", `Bearer ${await userToken(userId)}`);
  }
  return exports.default.fetch(url, { ...init, headers });
}
