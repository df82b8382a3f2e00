import { configFor } from "../config.ts";
import type { Env } from "../env.ts";
import { mergeShardStats } from "../registry/aggregate.ts";
import { allRegistryShards } from "../registry/shards.ts";
import type { RegistryStats } from "../registry/types.ts";

/** Collects every registry shard's figures and merges them. */
export async function collectStats(env: Env): Promise<RegistryStats> {
  const now = Date.now();
  const shards = await Promise.all(
    allRegistryShards(env).map((shard, index) => shard.stats(index, now)),
  );
  return mergeShardStats(shards, configFor(env).memoryBudgetBytes, now);
}
