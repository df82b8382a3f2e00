import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { fetchWithEnv } from "./helpers/worker.ts";
import { registryForSession } from "../../src/registry/shards.ts";
import type { SessionReport } from "../../src/session/report.ts";
import { adminHeaders, errorCode } from "./helpers/auth.ts";
import { BAD_ID_SEGMENTS } from "./helpers/bad-ids.ts";
import { seedObjects } from "./helpers/bulk-seed.ts";
import { countingBucket } from "./helpers/counting-bucket.ts";
import { listKeys, seedRecording } from "./helpers/seed.ts";

async function remove(path: string): Promise<Response> {
  return exports.default.fetch(
    `http://audio.test/api/audio-storage/files/${path}`,
    {
      method: "DELETE",
      headers: adminHeaders(),
    },
  );
}

function liveReport(userId: string, sessionId: string): SessionReport {
  return {
    userId,
    sessionId,
    state: "streaming",
    received: 0,
    journaled: 0,
    uploaded: 0,
    memoryBytes: 0,
    uploadSuccesses: 0,
    uploadFailures: 0,
    consecutiveFailures: 0,
    lastUploadMs: 0,
    lastError: "",
    reportedAt: Date.now(),
  };
}

it("delete removes a recording and only it", async () => {
  await seedRecording("erin", "one", { segments: 3 });
  await seedRecording("erin", "two");
  await seedRecording("erin2", "one");
  for (const path of ["erin/one", "erin/two.wav"]) {
    const response = await remove(path);
    expect(response.status, path).toBe(200);
    expect(
      ((await response.json()) as { deleted: number }).deleted,
    ).toBeGreaterThanOrEqual(3);
  }
  expect(await listKeys("audio-sessions/erin/")).toEqual([]);
  expect((await listKeys("audio-sessions/erin2/")).length).toBe(3);
});

it("delete removes one object", async () => {
  await seedRecording("frank", "talk");
  const response = await remove("frank/talk/segments/000000000000000.pcm");
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({
    deleted: 1,
    path: "frank/talk/segments/000000000000000.pcm",
  });
  expect(await listKeys("audio-sessions/frank/talk/")).toEqual([
    "audio-sessions/frank/talk/manifest.json",
    "audio-sessions/frank/talk/segments/000000000003200.pcm",
  ]);
});

it("delete of missing files is 404", async () => {
  for (const path of [
    "nobody/none",
    "frank/none.wav",
    "frank/talk/segments/000000000000999.pcm",
  ]) {
    const response = await remove(path);
    expect(response.status, path).toBe(404);
    expect(await errorCode(response)).toBe("not_found");
  }
});

it("delete refuses a live session unless forced", async () => {
  await seedRecording("gina", "live");
  await registryForSession(env, "live").report(liveReport("gina", "live"));
  const refused = await remove("gina/live");
  expect(refused.status).toBe(409);
  expect(await errorCode(refused)).toBe("session_live");
  expect((await listKeys("audio-sessions/gina/live/")).length).toBe(3);

  const forced = await remove("gina/live?force=true");
  expect(forced.status).toBe(200);
  expect(await listKeys("audio-sessions/gina/live/")).toEqual([]);
});

it("delete rejects bad paths", async () => {
  for (const [name, segment] of BAD_ID_SEGMENTS) {
    for (const path of [
      `${segment}/talk`,
      `frank/${segment}`,
      `frank/talk/${segment}`,
    ]) {
      const response = await remove(path);
      expect(response.status, `${name}: ${path}`).toBe(400);
    }
  }
  for (const path of ["frank", "", "frank//talk"]) {
    expect((await remove(path)).status, path).toBe(400);
  }
});

it("deleting a large recording batches its keys", async () => {
  await seedObjects("henry", 1, 2_100);
  const { bucket, calls } = countingBucket(env.AUDIO_BUCKET);
  const request = new Request(
    "http://audio.test/api/audio-storage/files/henry/rec-000",
    {
      method: "DELETE",
      headers: adminHeaders(),
    },
  );
  const response = await fetchWithEnv(request, {
    ...env,
    AUDIO_BUCKET: bucket,
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({
    deleted: 2_100,
    path: "henry/rec-000",
  });
  expect(calls.deletes.length).toBeGreaterThanOrEqual(3);
  for (const keys of calls.deletes) expect(keys).toBeLessThanOrEqual(1_000);
  expect(await listKeys("audio-sessions/henry/")).toEqual([]);
});
