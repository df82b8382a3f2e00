import { env, exports } from "cloudflare:workers";
import { userToken } from "./helpers/auth.ts";

export const BASE = "http://audio.test";

/** A message the server sent, parsed from JSON. */
export type ServerMessage = { type: string } & Record<string, unknown>;

/** A client socket into the Worker with a queue of received messages. */
export interface TestSocket {
  ws: WebSocket;
  messages: ServerMessage[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first message (from now on or queued) that matches. */
  next(type: string, timeoutMs?: number): Promise<ServerMessage>;
  /** Resolves once `test` holds for a received message. */
  until(
    test: (m: ServerMessage) => boolean,
    timeoutMs?: number,
  ): Promise<ServerMessage>;
  json(message: object): void;
}

/** Opens /v1/sessions/{sessionId}/stream through the Worker. */
export async function openSession(
  userId: string,
  sessionId: string,
  params: Record<string, string> = {
    encoding: "pcm_s16le",
    sampleRate: "16000",
    channels: "1",
  },
): Promise<TestSocket> {
  const url = new URL(`${BASE}/v1/sessions/${sessionId}/stream`);
  url.searchParams.set("token", await userToken(userId, sessionId));
  for (const [name, value] of Object.entries(params))
    url.searchParams.set(name, value);

  const response = await exports.default.fetch(url, {
    headers: { upgrade: "websocket" },
  });
  const ws = response.webSocket;
  if (!ws)
    throw new Error(
      `upgrade failed with ${response.status}: ${await response.text()}`,
    );
  ws.accept();
  return wrap(ws);
}

/** Fetches a route through the Worker with a user token for `userId`. */
export async function fetchAs(
  userId: string,
  url: string,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${await userToken(userId)}`);
  return exports.default.fetch(url, { ...init, headers });
}

function wrap(ws: WebSocket): TestSocket {
  const messages: ServerMessage[] = [];
  const listeners = new Set<() => void>();
  ws.addEventListener("message", (event) => {
    if (typeof event.data !== "string") return;
    messages.push(JSON.parse(event.data) as ServerMessage);
    for (const listener of listeners) listener();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.addEventListener("close", (event) => {
      resolve({ code: event.code, reason: event.reason });
      for (const listener of listeners) listener();
    });
  });

  let seen = 0;
  const until = (test: (m: ServerMessage) => boolean, timeoutMs = 10_000) =>
    new Promise<ServerMessage>((resolve, reject) => {
      const check = () => {
        for (; seen < messages.length; seen++) {
          const message = messages[seen]!;
          if (test(message)) {
            seen++;
            cleanup();
            resolve(message);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages.slice(-5))}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  return {
    ws,
    messages,
    closed,
    until,
    next: (type, timeoutMs) => until((m) => m.type === type, timeoutMs),
    json: (message) => ws.send(JSON.stringify(message)),
  };
}

/** Deterministic test audio: a 16-bit ramp whose bytes differ at every offset. */
export function testAudio(bytes: number, seed = 0): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++)
    out[i] = (i * 7 + seed * 13 + (i >> 8)) & 0xff;
  return out;
}

/** Sends `audio` in frames of `frameBytes`. */
export function sendFrames(
  socket: TestSocket,
  audio: Uint8Array,
  frameBytes = 640,
): void {
  for (let at = 0; at < audio.length; at += frameBytes) {
    socket.ws.send(audio.slice(at, at + frameBytes));
  }
}

/** Waits until the server acknowledges `offset` bytes as received. */
export function receivedAtLeast(socket: TestSocket, offset: number) {
  return socket.until(
    (m) =>
      (m.type === "ack" || m.type === "ready") &&
      offsetOf(m, "received") >= offset,
  );
}

function offsetOf(
  message: ServerMessage,
  name: "received" | "journaled" | "uploaded",
): number {
  const offsets = (message.offsets ?? message) as Record<string, number>;
  return offsets[name] ?? -1;
}

/** Returns the session object's stub, addressed as the Worker addresses it. */
export function sessionStub(userId: string, sessionId: string) {
  return env.AUDIO_SESSION.get(
    env.AUDIO_SESSION.idFromName(`${userId}/${sessionId}`),
  );
}

/** Lists every key under a prefix, following cursors. */
export async function listKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.AUDIO_BUCKET.list({ prefix, cursor });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys;
}

/** Reads a whole object's bytes. */
export async function readObject(key: string): Promise<Uint8Array> {
  const object = await env.AUDIO_BUCKET.get(key);
  if (!object) throw new Error(`object ${key} is missing`);
  return new Uint8Array(await object.arrayBuffer());
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}
