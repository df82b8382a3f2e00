import { configFor } from "./config.ts";
import type { Env } from "./env.ts";
import { errorMessage, log } from "./log.ts";
import { liveSessionKeys, registryShard } from "./registry/shards.ts";
import { sweepExpired, type SweepResult } from "./storage/retention-sweep.ts";

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * One retention run: deletes recordings older than
 * AUDIO_STORAGE_RETENTION_DAYS at `nowMs`, resuming where the previous run
 * stopped. Registry shard 0 keeps that position between runs.
 */
export async function runRetention(
  env: Env,
  nowMs: number,
): Promise<SweepResult> {
  const config = configFor(env);
  const progress = registryShard(env, 0);
  const startAfter = await progress.retentionStartAfter();
  const result = await sweepExpired(env.AUDIO_BUCKET, {
    cutoffMs: nowMs - config.retentionDays * DAY_MS,
    live: await liveSessionKeys(env),
    startAfter,
    maxKeys: config.retentionMaxKeysPerRun,
    reason: "retention",
  });
  await progress.setRetentionStartAfter(
    result.complete ? null : result.nextStartAfter,
  );
  return result;
}

/** The cron trigger's handler; `scheduledTime` is the time the run is for. */
export async function retentionScheduled(
  controller: ScheduledController,
  env: Env,
): Promise<void> {
  log.info("retention_started", {
    cron: controller.cron,
    scheduledTime: new Date(controller.scheduledTime).toISOString(),
  });
  try {
    await runRetention(env, controller.scheduledTime);
  } catch (error) {
    log.error("retention_failed", { error: errorMessage(error) });
    throw error;
  }
}
