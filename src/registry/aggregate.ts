import { summarizeLatency } from "./percentiles.ts";
import {
  emptyTotals,
  type RegistryStats,
  type RegistryTotals,
  type ShardStats,
} from "./types.ts";

/** Users listed by name in `sessionsPerUser.top`. */
const TOP_USERS = 20;
/** Sessions listed in `liveSessions`. */
const LISTED_SESSIONS = 100;

function sumTotals(shards: ShardStats[]): RegistryTotals {
  const totals = emptyTotals();
  for (const shard of shards) {
    for (const name of Object.keys(totals) as (keyof RegistryTotals)[]) {
      totals[name] += shard.totals[name];
    }
  }
  return totals;
}

function sessionsPerUser(
  shards: ShardStats[],
): RegistryStats["sessionsPerUser"] {
  const counts = new Map<string, number>();
  for (const shard of shards) {
    for (const [userId, count] of Object.entries(shard.userSessionCounts)) {
      counts.set(userId, (counts.get(userId) ?? 0) + count);
    }
  }
  const ranked = [...counts.entries()]
    .map(([userId, sessions]) => ({ userId, sessions }))
    .sort(
      (a, b) => b.sessions - a.sessions || a.userId.localeCompare(b.userId),
    );
  const total = ranked.reduce((sum, entry) => sum + entry.sessions, 0);
  return {
    users: ranked.length,
    max: ranked[0]?.sessions ?? 0,
    mean: ranked.length === 0 ? 0 : total / ranked.length,
    top: ranked.slice(0, TOP_USERS),
  };
}

function alertSummary(shards: ShardStats[]): RegistryStats["alerts"] {
  const active: RegistryStats["alerts"]["active"] = [];
  for (const shard of shards) {
    for (const session of shard.sessions) {
      if (session.state === "stale") continue;
      for (const alert of session.alerts) {
        active.push({
          userId: session.userId,
          sessionId: session.sessionId,
          ...alert,
        });
      }
    }
  }
  const status = active.some((alert) => alert.level === "critical")
    ? "critical"
    : active.length > 0
      ? "warning"
      : "ok";
  return { status, active };
}

/** Merges every shard's figures into the service-wide statistics. */
export function mergeShardStats(
  shards: ShardStats[],
  memoryBudgetBytes: number,
  now: number,
): RegistryStats {
  const totals = sumTotals(shards);
  const active = shards.reduce((sum, shard) => sum + shard.liveSessions, 0);
  const inUse = shards.reduce((sum, shard) => sum + shard.memoryBytes, 0);
  const maxMemory = Math.max(0, ...shards.map((shard) => shard.maxMemoryBytes));
  const attempts = totals.uploadSuccesses + totals.uploadFailures;
  const live = shards
    .flatMap((shard) => shard.sessions)
    .filter((session) => session.state !== "stale")
    .sort((a, b) => b.receivedAt - a.receivedAt);

  return {
    generatedAt: new Date(now).toISOString(),
    shards: shards.length,
    sessions: {
      active,
      stale: shards.reduce((sum, shard) => sum + shard.staleSessions, 0),
      stoppedRecently: shards.reduce(
        (sum, shard) => sum + shard.stoppedSessions,
        0,
      ),
      startedTotal: totals.sessionsStarted,
      stoppedTotal: totals.sessionsStopped,
      markedStaleTotal: totals.sessionsMarkedStale,
    },
    memory: {
      inUseBytes: inUse,
      budgetBytesPerSession: memoryBudgetBytes,
      share: active === 0 ? 0 : inUse / (memoryBudgetBytes * active),
      maxSessionShare: maxMemory / memoryBudgetBytes,
    },
    bytes: { received: totals.bytesReceived, uploaded: totals.bytesUploaded },
    uploads: {
      successes: totals.uploadSuccesses,
      failures: totals.uploadFailures,
      successRate: attempts === 0 ? null : totals.uploadSuccesses / attempts,
      latency: summarizeLatency(
        shards.flatMap((shard) => shard.uploadLatencySamples),
      ),
    },
    processingLatency: summarizeLatency(
      shards.flatMap((shard) => shard.processingLatencySamples),
    ),
    sessionsPerUser: sessionsPerUser(shards),
    alerts: alertSummary(shards),
    liveSessions: live.slice(0, LISTED_SESSIONS),
  };
}
