import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { ROOT_PREFIX } from "../../src/storage/keys.ts";
import { sweepExpired } from "../../src/storage/retention-sweep.ts";
import { passTheClock, seedObjects } from "./helpers/bulk-seed.ts";
import { countingBucket } from "./helpers/counting-bucket.ts";
import { listKeys } from "./helpers/seed.ts";

it("sweep deletes only expired recordings in batches", async () => {
  // 2,250 expired objects: 25 recordings of 90, spread over several list pages.
  const expired = await seedObjects("old-user", 25, 90);
  const liveButOld = await seedObjects("live-user", 1, 40);
  const cutoffMs = await passTheClock();
  const fresh = await seedObjects("new-user", 3, 10);
  // A fresh object inside an old recording keeps the whole recording.
  const touched = await seedObjects("mixed-user", 1, 30);
  const { bucket, calls } = countingBucket(env.AUDIO_BUCKET);

  const result = await sweepExpired(bucket, {
    cutoffMs,
    live: new Set(["live-user/rec-000"]),
    maxKeys: 100_000,
    reason: "test",
  });

  expect(expired.length).toBe(2_250);
  expect(result.complete).toBe(true);
  expect(result.deletedObjects).toBe(2_250);
  expect(result.deletedRecordings).toBe(25);
  expect(result.skippedLive).toBe(1);
  expect(result.keptRecordings).toBe(4);
  expect(result.scannedObjects).toBe(2_250 + 40 + 30 + 30);
  expect(calls.lists).toBeGreaterThanOrEqual(3);
  expect(calls.deletes.length).toBe(result.deleteCalls);
  expect(calls.deletes.length).toBeGreaterThanOrEqual(3);
  for (const keys of calls.deletes) expect(keys).toBeLessThanOrEqual(1_000);
  expect(calls.deletes.reduce((sum, n) => sum + n, 0)).toBe(2_250);

  const left = new Set(await listKeys(ROOT_PREFIX));
  for (const key of expired) expect(left.has(key)).toBe(false);
  for (const key of [...liveButOld, ...fresh, ...touched])
    expect(left.has(key)).toBe(true);
});

it("sweep stops at its budget and resumes", async () => {
  const earlier = (await listKeys(ROOT_PREFIX)).length;
  await seedObjects("budget-user", 12, 250);
  const cutoffMs = await passTheClock();
  const { bucket, calls } = countingBucket(env.AUDIO_BUCKET);

  let startAfter: string | null = null;
  let runs = 0;
  let deleted = 0;
  for (; runs < 20; runs++) {
    const result = await sweepExpired(bucket, {
      cutoffMs,
      live: new Set(),
      startAfter,
      maxKeys: 1_000,
      reason: "test",
    });
    deleted += result.deletedObjects;
    // A run stops only between recordings, after at least its budget.
    if (!result.complete) {
      expect(result.scannedObjects).toBeGreaterThanOrEqual(1_000);
      expect(result.scannedObjects % 250).toBe(0);
    }
    startAfter = result.nextStartAfter;
    if (result.complete) break;
  }
  expect(runs).toBeGreaterThanOrEqual(2);
  // Objects that earlier tests left behind have expired by now too.
  expect(deleted).toBe(3_000 + earlier);
  expect(await listKeys("audio-sessions/budget-user/")).toEqual([]);
  for (const keys of calls.deletes) expect(keys).toBeLessThanOrEqual(1_000);
});

it("sweep never lists outside the root prefix", async () => {
  await env.AUDIO_BUCKET.put("other/keep.bin", "x");
  const cutoffMs = await passTheClock();
  const result = await sweepExpired(env.AUDIO_BUCKET, {
    cutoffMs,
    live: new Set(),
    maxKeys: 100_000,
    reason: "test",
  });
  expect(result.complete).toBe(true);
  expect(await env.AUDIO_BUCKET.head("other/keep.bin")).not.toBeNull();
});
