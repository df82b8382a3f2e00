import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { manifestKey } from "../../src/storage/keys.ts";
import type { Manifest } from "../../src/storage/manifest.ts";
import {
  BASE,
  fetchAs,
  concat,
  openSession,
  receivedAtLeast,
  sendFrames,
  sessionStub,
  testAudio,
  uniqueId,
} from "./helpers.ts";

async function readManifest(
  userId: string,
  sessionId: string,
): Promise<Manifest> {
  const object = await env.AUDIO_BUCKET.get(manifestKey(userId, sessionId));
  if (!object) throw new Error("manifest is missing");
  return object.json();
}

it("stop flushes and writes a complete manifest", async () => {
  const [userId, sessionId] = [uniqueId("user"), uniqueId("stop")];
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");
  const audio = testAudio(50_001, 8);
  sendFrames(socket, audio);
  socket.json({ type: "stop" });

  const stopped = await socket.next("stopped");
  expect(stopped).toMatchObject({
    received: audio.length,
    uploaded: audio.length,
  });
  expect(stopped.manifestKey).toBe(manifestKey(userId, sessionId));
  expect((await socket.closed).code).toBe(1000);

  const manifest = await readManifest(userId, sessionId);
  expect(manifest.complete).toBe(true);
  expect(manifest.totalBytes).toBe(audio.length);
  expect(manifest.audioBytes).toBe(audio.length);
  expect(manifest.format).toEqual({
    encoding: "pcm_s16le",
    sampleRate: 16_000,
    channels: 1,
  });
  expect(manifest.segments.map((s) => [s.start, s.end])).toEqual([
    [0, audio.length],
  ]);
  expect(Date.parse(manifest.startedAt)).toBeLessThanOrEqual(
    Date.parse(manifest.endedAt),
  );
});

it("three-segment download has one exact header", async () => {
  const [userId, sessionId] = [uniqueId("user"), uniqueId("three")];
  const socket = await openSession(userId, sessionId);
  await socket.next("ready");
  const stub = sessionStub(userId, sessionId);
  const parts = [
    testAudio(40_000, 1),
    testAudio(24_002, 2),
    testAudio(10_000, 3),
  ];

  let sent = 0;
  for (const part of parts.slice(0, 2)) {
    sendFrames(socket, part);
    sent += part.length;
    await receivedAtLeast(socket, sent);
    await runDurableObjectAlarm(stub);
    await socket.until((m) => m.type === "uploaded" && m.end === sent);
  }
  sendFrames(socket, parts[2]!);
  socket.json({ type: "stop" });
  await socket.next("stopped");
  await socket.closed;

  const manifest = await readManifest(userId, sessionId);
  expect(manifest.segments).toHaveLength(3);

  const response = await fetchAs(
    userId,
    `${BASE}/v1/recordings/${userId}/${sessionId}.wav`,
  );
  expect(response.status).toBe(200);
  const file = new Uint8Array(await response.arrayBuffer());
  const audio = concat(...parts);
  const view = new DataView(file.buffer);
  expect(Number(response.headers.get("content-length"))).toBe(file.length);
  expect(file.length).toBe(44 + audio.length);
  expect(new TextDecoder().decode(file.subarray(0, 4))).toBe("RIFF");
  expect(view.getUint32(4, true)).toBe(36 + audio.length);
  expect(new TextDecoder().decode(file.subarray(36, 40))).toBe("data");
  expect(view.getUint32(40, true)).toBe(audio.length);
  expect(file.subarray(44)).toEqual(audio);
});

it("download of an unknown recording is 404", async () => {
  const response = await fetchAs(
    "nobody",
    `${BASE}/v1/recordings/nobody/${uniqueId("none")}.wav`,
  );
  expect(response.status).toBe(404);
  const body = (await response.json()) as { error: { code: string } };
  expect(body.error.code).toBe("not_found");
});
