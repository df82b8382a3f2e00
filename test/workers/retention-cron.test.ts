import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index.ts";
import { expect, it } from "vitest";
import { configFor } from "../../src/config.ts";
import {
  registryForSession,
  registryShard,
} from "../../src/registry/shards.ts";
import { DAY_MS } from "../../src/retention.ts";
import { passTheClock, seedObjects } from "./helpers/bulk-seed.ts";
import { listKeys } from "./helpers/seed.ts";

const retentionMs = configFor(env).retentionDays * DAY_MS;

/** Runs the Worker's cron handler as the runtime would for `scheduledTime`. */
async function runCron(scheduledTime: number): Promise<void> {
  const controller = createScheduledController({
    cron: "17 * * * *",
    scheduledTime,
  });
  await worker.scheduled(controller, env);
}

it("cron deletes recordings past retention", async () => {
  const old = await seedObjects("cron-old", 3, 5);
  const live = await seedObjects("cron-live", 1, 5);
  await registryForSession(env, "rec-000").report({
    userId: "cron-live",
    sessionId: "rec-000",
    state: "streaming",
    received: 1,
    journaled: 1,
    uploaded: 0,
    memoryBytes: 0,
    uploadSuccesses: 0,
    uploadFailures: 0,
    consecutiveFailures: 0,
    lastUploadMs: 0,
    lastError: "",
    reportedAt: Date.now(),
  });
  const boundary = await passTheClock();
  const fresh = await seedObjects("cron-new", 2, 5);

  // The run is for a time at which the first recordings are exactly past retention.
  await runCron(boundary + retentionMs);

  const left = new Set(await listKeys("audio-sessions/"));
  for (const key of old) expect(left.has(key)).toBe(false);
  for (const key of [...live, ...fresh]) expect(left.has(key)).toBe(true);
  // A complete run leaves no resume position behind.
  expect(await registryShard(env, 0).retentionStartAfter()).toBeNull();
});

it("cron resumes where the previous run stopped", async () => {
  await seedObjects("cron-resume", 2, 5);
  const boundary = await passTheClock();
  // A previous run stopped after the first recording.
  await registryShard(env, 0).setRetentionStartAfter(
    "audio-sessions/cron-resume/rec-000/segments/000000000000300.pcm",
  );
  await runCron(boundary + retentionMs);

  expect((await listKeys("audio-sessions/cron-resume/rec-000/")).length).toBe(
    5,
  );
  expect(await listKeys("audio-sessions/cron-resume/rec-001/")).toEqual([]);
  expect(await registryShard(env, 0).retentionStartAfter()).toBeNull();
});

it("cron keeps recordings inside retention", async () => {
  const kept = await seedObjects("cron-recent", 2, 5);
  await runCron(Date.now() + retentionMs - 60_000);
  const left = new Set(await listKeys("audio-sessions/cron-recent/"));
  for (const key of kept) expect(left.has(key)).toBe(true);
});
