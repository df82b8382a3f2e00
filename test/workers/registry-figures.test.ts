import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { configFor } from "../../src/config.ts";
import { registryShard, shardIndex } from "../../src/registry/shards.ts";
import type { RegistryStats } from "../../src/registry/types.ts";
import { adminHeaders } from "./helpers/auth.ts";
import { openStream, testAudio, type TestStream } from "./helpers/stream.ts";

const config = configFor(env);
const shards = config.registryShards;

async function stats(): Promise<RegistryStats> {
  const response = await exports.default.fetch(
    "http://audio.test/api/audio-storage/stats",
    {
      headers: adminHeaders(),
    },
  );
  expect(response.status).toBe(200);
  return (await response.json()) as RegistryStats;
}

/** Polls the stats until `done` holds; reports are sent without waiting, so they land a moment later. */
async function statsWhen(
  done: (s: RegistryStats) => boolean,
): Promise<RegistryStats> {
  let latest = await stats();
  for (let attempt = 0; attempt < 100 && !done(latest); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    latest = await stats();
  }
  return latest;
}

/** Session ids that cover every shard, so several shards hold sessions. */
function sessionIds(count: number): string[] {
  const ids: string[] = [];
  const seen = new Set<number>();
  for (let n = 0; ids.length < count && n < 10_000; n++) {
    const id = `fig-${n}`;
    const shard = shardIndex(id, shards);
    if (seen.size < shards && seen.has(shard)) continue;
    seen.add(shard);
    ids.push(id);
  }
  return ids;
}

it("registry figures match the sessions that ran", async () => {
  const ids = sessionIds(6);
  const users = ["ann", "ann", "bob", "bob", "cy", "cy"];
  let bytesSent = 0;
  let uploads = 0;

  // Four sessions stream audio and stop.
  for (let i = 0; i < 4; i++) {
    const stream = await openStream(users[i]!, ids[i]!);
    const audio = testAudio(16_000 * (i + 1), i + 2);
    stream.sendAudio(audio);
    bytesSent += audio.length;
    const stopped = await stream.stop();
    expect(stopped.received).toBe(audio.length);
    uploads += stream.messages.filter((m) => m.type === "uploaded").length;
    stream.close();
  }
  // Two sessions declare a format and stay open.
  const open: TestStream[] = [];
  for (let i = 4; i < 6; i++) open.push(await openStream(users[i]!, ids[i]!));

  const figures = await statsWhen(
    (s) => s.sessions.stoppedTotal === 4 && s.sessions.startedTotal === 6,
  );
  expect(figures.shards).toBe(shards);
  expect(figures.sessions.startedTotal).toBe(6);
  expect(figures.sessions.stoppedTotal).toBe(4);
  expect(figures.sessions.active).toBe(2);
  expect(figures.sessions.stale).toBe(0);
  expect(figures.bytes.received).toBe(bytesSent);
  expect(figures.bytes.uploaded).toBe(bytesSent);
  expect(uploads).toBeGreaterThanOrEqual(4);
  expect(figures.uploads.successes).toBe(uploads);
  expect(figures.uploads.failures).toBe(0);
  expect(figures.uploads.successRate).toBe(1);
  expect(figures.uploads.latency.samples).toBeGreaterThanOrEqual(4);
  expect(figures.uploads.latency.p95Ms).not.toBeNull();
  expect(figures.processingLatency.samples).toBeGreaterThanOrEqual(6);

  const windowBytes = (config.windowMs / 1000) * 16_000 * 2;
  expect(figures.memory.inUseBytes).toBe(2 * windowBytes);
  expect(figures.memory.budgetBytesPerSession).toBe(config.memoryBudgetBytes);
  expect(figures.memory.maxSessionShare).toBeCloseTo(
    windowBytes / config.memoryBudgetBytes,
  );

  expect(figures.sessionsPerUser.users).toBe(1);
  expect(figures.sessionsPerUser.max).toBe(2);
  expect(figures.sessionsPerUser.top).toEqual([{ userId: "cy", sessions: 2 }]);
  expect(figures.liveSessions.map((s) => s.sessionId).sort()).toEqual(
    [ids[4], ids[5]].sort(),
  );
  expect(figures.alerts.status).toBe("ok");

  for (const stream of open) stream.close();
});

it("sessions spread over every shard", async () => {
  const startedPerShard = async () => {
    const now = Date.now();
    const all = await Promise.all(
      Array.from({ length: shards }, (_, index) =>
        registryShard(env, index).stats(index, now),
      ),
    );
    return all.map((shard) => shard.totals.sessionsStarted);
  };
  const before = await startedPerShard();
  const ids = sessionIds(shards);
  for (const id of ids) {
    const stream = await openStream("spread", id);
    stream.close();
  }
  const total = before.reduce((sum, n) => sum + n, 0) + ids.length;
  await statsWhen((s) => s.sessions.startedTotal >= total);

  const after = await startedPerShard();
  after.forEach((started, index) => {
    expect(started - before[index]!).toBe(1);
  });
});
