import { mintDevUserToken } from "../../scripts/lib/mint-token.ts";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  startDevServer,
  type DevServer,
} from "../../scripts/lib/dev-server.ts";
import { firstDifference, JFK_WAV, readPcm, sha256 } from "./support/audio.ts";
import { RawSocket, type CloseInfo } from "./support/raw-socket.ts";
import {
  downloadRecording,
  recordedClient,
  sendPaced,
  stopAndDownload,
  streamUrl,
} from "./support/stream.ts";
import { stopAndRemove } from "./support/server.ts";
import { waitUntil, withTimeout } from "./support/wait.ts";

const USER = "e2e-user";
const MAX_FRAME_BYTES = 65_536;
/** Codes RFC 6455 reserves for reporting; an endpoint never sends them. */
const RESERVED_CLOSE_CODES = [1005, 1006, 1015];

let server: DevServer;
const closes: CloseInfo[] = [];

beforeAll(async () => {
  server = await startDevServer({
    vars: {
      AUDIO_STORAGE_MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
      // Every test here streams as one user, and sessions closed by an
      // error keep their slot until they go stale.
      AUDIO_STORAGE_MAX_SESSIONS_PER_USER: "100",
    },
  });
});

afterAll(async () => {
  await stopAndRemove(server);
});

/** Opens a raw socket on a session, declaring PCM16 16 kHz mono unless `format` is null. */
async function openSession(
  sessionId: string,
  format: Record<string, string> | null = {
    encoding: "pcm_s16le",
    sampleRate: "16000",
    channels: "1",
  },
): Promise<RawSocket> {
  const url = streamUrl(server.url, USER, sessionId);
  for (const [name, value] of Object.entries(format ?? {})) {
    url.searchParams.set(name, value);
  }
  const socket = new RawSocket(url);
  await socket.open();
  await socket.next("ready");
  return socket;
}

async function closeOf(socket: RawSocket): Promise<CloseInfo> {
  // NOTE: under wrangler dev 4.157 a close the server sends to a client that
  // has sent nothing yet reaches the client only about 10 s later.
  const info = await socket.closedWithin(30_000);
  closes.push(info);
  return info;
}

/** Sends stop, waits for `stopped` and the close, and downloads the audio. */
async function stopSession(socket: RawSocket, sessionId: string) {
  socket.send(JSON.stringify({ type: "stop" }));
  const stopped = await socket.next("stopped", 0, 30_000);
  const close = await closeOf(socket);
  expect(close.code).toBe(1000);
  return {
    stopped,
    recording: await downloadRecording(server.url, USER, sessionId),
  };
}

it("oversized frame closes 1009 and keeps audio", async () => {
  const pcm = readPcm(JFK_WAV);
  const sessionId = `big-frame-${Date.now()}`;
  const first = await openSession(sessionId);
  const head = pcm.data.subarray(0, 32_000);
  first.send(head);
  first.send(new Uint8Array(MAX_FRAME_BYTES + 2));

  const error = await first.next("error");
  expect(error.code).toBe("frame_too_large");
  expect(String(error.message)).toContain(String(MAX_FRAME_BYTES));
  expect((await closeOf(first)).code).toBe(1009);

  const second = await openSession(sessionId);
  const { stopped, recording } = await stopSession(second, sessionId);
  expect(stopped.received).toBe(head.length);
  expect(sha256(recording.data)).toBe(sha256(head));
});

it("frame at the maximum is accepted", async () => {
  const pcm = readPcm(JFK_WAV);
  const sessionId = `max-frame-${Date.now()}`;
  const socket = await openSession(sessionId);
  const frame = pcm.data.subarray(0, MAX_FRAME_BYTES);
  socket.send(frame);

  const { recording } = await stopSession(socket, sessionId);
  expect(socket.messages.filter((m) => m.type === "error")).toEqual([]);
  expect(sha256(recording.data)).toBe(sha256(frame));
});

it("audio before a format closes 1002", async () => {
  const socket = await openSession(`no-format-${Date.now()}`, null);
  expect(socket.messages[0]?.state).toBe("idle");
  socket.send(new Uint8Array(640));

  const error = await socket.next("error");
  expect(error.code).toBe("format_required");
  expect((await closeOf(socket)).code).toBe(1002);
});

it("unsupported encoding in the URL closes 1003", async () => {
  const url = streamUrl(server.url, USER, `opus-${Date.now()}`);
  url.searchParams.set("encoding", "opus");
  url.searchParams.set("sampleRate", "48000");
  url.searchParams.set("channels", "1");
  const socket = new RawSocket(url);
  await socket.open();

  const error = await socket.next("error");
  expect(error.code).toBe("bad_format");
  expect(String(error.message)).toContain("opus");
  expect((await closeOf(socket)).code).toBe(1003);
});

it("unsupported sample rate in start closes 1003", async () => {
  const socket = await openSession(`rate-${Date.now()}`, null);
  socket.send(
    JSON.stringify({ type: "start", encoding: "pcm_s16le", sampleRate: 7_000 }),
  );

  const error = await socket.next("error");
  expect(error.code).toBe("bad_format");
  expect(String(error.message)).toContain("7000");
  expect((await closeOf(socket)).code).toBe(1003);
});

it("bad control messages keep the session", async () => {
  const pcm = readPcm(JFK_WAV);
  const sessionId = `bad-control-${Date.now()}`;
  const socket = await openSession(sessionId);
  const audio = pcm.data.subarray(0, 48_000);

  socket.send(audio.subarray(0, 16_000));
  socket.send("{not json");
  socket.send(JSON.stringify({ type: "dance" }));
  socket.send(JSON.stringify([1, 2]));
  socket.send(JSON.stringify({ type: "start", offset: -5 }));
  // The same bytes as a view into a larger buffer and as a Blob.
  const padded = new Uint8Array(16_000 + 10);
  padded.set(audio.subarray(16_000, 32_000), 5);
  socket.send(padded.subarray(5, 16_005));
  socket.send(new Blob([audio.slice(32_000, 48_000)]));
  socket.send(JSON.stringify({ type: "ping", id: "p1" }));

  const pong = await socket.next("pong");
  expect(pong.id).toBe("p1");
  const errors = socket.messages.filter((m) => m.type === "error");
  expect(errors.map((m) => m.code)).toEqual([
    "bad_message",
    "unknown_message",
    "bad_message",
    "bad_message",
  ]);
  for (const error of errors) expect(String(error.message)).not.toBe("");

  const { stopped, recording } = await stopSession(socket, sessionId);
  expect(stopped.received).toBe(audio.length);
  expect(firstDifference(recording.data, audio)).toBe(-1);
  expect(sha256(recording.data)).toBe(sha256(audio));
});

it("resume past the end records a gap", async () => {
  const pcm = readPcm(JFK_WAV);
  const sessionId = `gap-${Date.now()}`;
  const first = await openSession(sessionId);
  first.send(pcm.data.subarray(0, 32_000));
  first.close();
  expect((await first.closedWithin()).code).toBe(1000);

  // The client claims its next byte is at 40,000, so 8,000 bytes are missing.
  const second = await openSession(sessionId, {
    encoding: "pcm_s16le",
    sampleRate: "16000",
    channels: "1",
    offset: "40000",
  });
  second.send(pcm.data.subarray(40_000, 56_000));
  const { stopped, recording } = await stopSession(second, sessionId);

  expect(stopped.received).toBe(56_000);
  expect(recording.data.length).toBe(56_000);
  const expected = Buffer.concat([
    pcm.data.subarray(0, 32_000),
    new Uint8Array(8_000),
    pcm.data.subarray(40_000, 56_000),
  ]);
  expect(firstDifference(recording.data, expected)).toBe(-1);
});

it("odd-length frames keep 16-bit samples whole", async () => {
  const pcm = readPcm(JFK_WAV);
  const sessionId = `odd-${Date.now()}`;
  const { client } = recordedClient(server.url, USER, sessionId, pcm.format);
  await withTimeout(client.connect(), 15_000, "first ready");

  // Odd chunk sizes end every other frame inside a sample. A drop mid-stream
  // makes the resend start at the durable offset, wherever that lies.
  const sizes = [333, 1_001, 77, 4_095];
  let sent = 0;
  for (let i = 0; sent < pcm.data.length; i++) {
    const size = sizes[i % sizes.length]!;
    client.send(pcm.data.subarray(sent, sent + size));
    sent = Math.min(sent + size, pcm.data.length);
    if (i === 150) client.dropConnection();
    if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const window = await fetch(
    `${server.url}/v1/sessions/${sessionId}/window?token=${mintDevUserToken(USER, sessionId)}&seconds=1`,
  );
  const recording = await stopAndDownload(server.url, client, USER, sessionId);

  expect(window.status).toBe(200);
  expect((await window.arrayBuffer()).byteLength % 2).toBe(0);
  expect(recording.data.length).toBe(pcm.data.length);
  expect(firstDifference(recording.data, pcm.data)).toBe(-1);
  expect(sha256(recording.data)).toBe(sha256(pcm.data));
});

it("client gives up after a fatal close", async () => {
  const pcm = readPcm(JFK_WAV);
  const { client, events } = recordedClient(
    server.url,
    USER,
    `fatal-${Date.now()}`,
    pcm.format,
  );
  await withTimeout(client.connect(), 15_000, "first ready");
  client.send(new Uint8Array(MAX_FRAME_BYTES + 2));

  await waitUntil(() => client.state === "failed", 10_000, "client failure");
  expect(events.some((e) => e.type === "reconnecting")).toBe(false);
});

it("close codes sent are never reserved ones", () => {
  expect(closes.length).toBeGreaterThanOrEqual(7);
  for (const { code } of closes) {
    expect(RESERVED_CLOSE_CODES).not.toContain(code);
  }
});
