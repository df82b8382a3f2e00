import type { SessionRegistry } from "../../durable-objects/session-registry.ts";
import { configFor } from "../config.ts";
import type { Env } from "../env.ts";

/** Name of shard 0, which is also the name the unsharded registry used. */
export const REGISTRY_NAME = "registry";

/**
 * FNV-1a, 32-bit, over the UTF-16 code units of `text`. It spreads similar
 * ids (`demo-1`, `demo-2`) evenly and is the same in every isolate.
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The shard, 0 to shards - 1, that a session reports to. */
export function shardIndex(sessionId: string, shards: number): number {
  return fnv1a32(sessionId) % shards;
}

export function shardName(index: number): string {
  return index === 0 ? REGISTRY_NAME : `${REGISTRY_NAME}-${index}`;
}

export function registryShard(
  env: Env,
  index: number,
): DurableObjectStub<SessionRegistry> {
  return env.SESSION_REGISTRY.get(
    env.SESSION_REGISTRY.idFromName(shardName(index)),
  );
}

/** The shard that holds `sessionId`'s reports under the current configuration. */
export function registryForSession(
  env: Env,
  sessionId: string,
): DurableObjectStub<SessionRegistry> {
  return registryShard(
    env,
    shardIndex(sessionId, configFor(env).registryShards),
  );
}

/** Every shard under the current configuration, shard 0 first. */
export function allRegistryShards(
  env: Env,
): DurableObjectStub<SessionRegistry>[] {
  const count = configFor(env).registryShards;
  return Array.from({ length: count }, (_, index) => registryShard(env, index));
}

/** Keys `userId/sessionId` of every live session across all shards. */
export async function liveSessionKeys(env: Env): Promise<Set<string>> {
  const lists = await Promise.all(
    allRegistryShards(env).map((shard) => shard.liveSessions(Date.now())),
  );
  return new Set(lists.flat());
}
