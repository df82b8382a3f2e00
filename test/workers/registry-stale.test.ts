import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect, it, vi } from "vitest";
import { configFor } from "../../src/config.ts";
import { registryForSession } from "../../src/registry/shards.ts";
import type { RegistryStats } from "../../src/registry/types.ts";
import { sessionStub } from "../../src/routes/sessions.ts";
import { adminHeaders } from "./helpers/auth.ts";
import { openStream, testAudio } from "./helpers/stream.ts";

async function stats(): Promise<RegistryStats> {
  const response = await exports.default.fetch(
    "http://audio.test/api/audio-storage/stats",
    {
      headers: adminHeaders(),
    },
  );
  return (await response.json()) as RegistryStats;
}

it("session whose object dies is marked stale", async () => {
  const stream = await openStream("stale-user", "dies");
  stream.sendAudio(testAudio(32_000));
  const registry = registryForSession(env, "dies");
  expect(await registry.isLive("stale-user", "dies", Date.now())).toBe(true);

  // The object goes away without a stop, so no closing report is sent.
  await runInDurableObject(
    sessionStub(env, "stale-user", "dies"),
    (_instance, state) => {
      state.abort("the test kills the session object");
    },
  ).catch(() => undefined);
  stream.close();

  // The registry's own alarm is armed for the stale deadline.
  const alarmAt = await runInDurableObject(registry, (_instance, state) =>
    state.storage.getAlarm(),
  );
  expect(alarmAt).not.toBeNull();
  const staleAfterMs = configFor(env).staleAfterMs;
  expect(alarmAt!).toBeLessThanOrEqual(Date.now() + staleAfterMs);

  // Before the deadline the session still counts as live.
  expect(await registry.markStale(Date.now())).toBe(0);
  expect((await stats()).sessions.active).toBe(1);

  // At the deadline the alarm's check marks it stale and logs it.
  const warn = vi.spyOn(console, "warn");
  expect(await registry.markStale(alarmAt! + 1)).toBe(1);
  const logged = warn.mock.calls.map((call) => String(call[0]));
  warn.mockRestore();
  expect(
    logged.some(
      (line) =>
        line.includes('"event":"session_stale"') && line.includes('"dies"'),
    ),
  ).toBe(true);

  expect(await registry.isLive("stale-user", "dies", alarmAt! + 1)).toBe(false);
  const figures = await stats();
  expect(figures.sessions.active).toBe(0);
  expect(figures.sessions.stale).toBe(1);
  expect(figures.sessions.markedStaleTotal).toBe(1);
  expect(figures.liveSessions).toEqual([]);
});

it("stale session counts again when it reports", async () => {
  const registry = registryForSession(env, "revives");
  const report = {
    userId: "stale-user",
    sessionId: "revives",
    state: "streaming",
    received: 10,
    journaled: 10,
    uploaded: 0,
    memoryBytes: 1_000,
    uploadSuccesses: 0,
    uploadFailures: 0,
    consecutiveFailures: 0,
    lastUploadMs: 0,
    lastError: "",
    reportedAt: Date.now(),
  };
  await registry.report(report);
  const staleAfterMs = configFor(env).staleAfterMs;
  expect(await registry.markStale(Date.now() + staleAfterMs + 1)).toBe(1);
  expect(await registry.isLive("stale-user", "revives", Date.now())).toBe(
    false,
  );

  await registry.report({
    ...report,
    received: 20,
    reportedAt: Date.now() + 1,
  });
  expect(await registry.isLive("stale-user", "revives", Date.now())).toBe(true);
});
