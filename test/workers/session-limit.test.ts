import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { configFor } from "../../src/config.ts";
import { userSessionsFor } from "../../src/session/user-slots.ts";
import { errorCode, userToken } from "./helpers/auth.ts";
import { openStream, testAudio, type TestStream } from "./helpers/stream.ts";

const limit = configFor(env).maxSessionsPerUser;

async function tryOpen(userId: string, sessionId: string): Promise<Response> {
  const token = await userToken(userId, sessionId);
  return exports.default.fetch(
    `http://audio.test/v1/sessions/${sessionId}/stream?encoding=pcm_s16le&sampleRate=16000&channels=1`,
    { headers: { upgrade: "websocket", authorization: `Bearer ${token}` } },
  );
}

it("user is limited to concurrent sessions", async () => {
  const streams: TestStream[] = [];
  for (let i = 0; i < limit; i++)
    streams.push(await openStream("busy", `busy-${i}`));

  const over = await tryOpen("busy", "busy-extra");
  expect(over.status).toBe(429);
  expect(await errorCode(over)).toBe("too_many_sessions");

  // Other users are not affected, and a reconnect to a held session is.
  (await openStream("calm", "calm-1")).close();
  const again = await openStream("busy", "busy-0");
  again.close();

  // Stopping a session frees its slot.
  streams[1]!.sendAudio(testAudio(3_200));
  await streams[1]!.stop();
  let freed = await userSessionsFor(env, "busy").activeSessions();
  for (let attempt = 0; attempt < 100 && freed.includes("busy-1"); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    freed = await userSessionsFor(env, "busy").activeSessions();
  }
  expect(freed).not.toContain("busy-1");
  const now = await openStream("busy", "busy-extra");
  now.close();
  for (const stream of streams) stream.close();
});

it("slot leases run out", async () => {
  const slots = userSessionsFor(env, "lease-user");
  expect((await slots.acquire("a", 1, 60_000)).granted).toBe(true);
  expect((await slots.acquire("b", 1, 60_000)).granted).toBe(false);
  expect(await slots.acquire("a", 1, 60_000)).toEqual({
    granted: true,
    acquired: false,
    active: 1,
  });
  // A lease that has already run out no longer counts.
  await slots.renew("a", -1);
  expect(await slots.acquire("b", 1, 60_000)).toEqual({
    granted: true,
    acquired: true,
    active: 1,
  });
});
