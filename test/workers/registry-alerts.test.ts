import { env, exports } from "cloudflare:workers";
import { expect, it, vi } from "vitest";
import { configFor } from "../../src/config.ts";
import { registryForSession } from "../../src/registry/shards.ts";
import type { RegistryStats } from "../../src/registry/types.ts";
import type { SessionReport } from "../../src/session/report.ts";
import { adminHeaders } from "./helpers/auth.ts";

const budget = configFor(env).memoryBudgetBytes;

/**
 * A report stamped ahead of the registry's clock counts as 0 ms of
 * processing latency, so on a loaded machine only the session built to be
 * slow crosses the 100 ms threshold.
 */
const AHEAD_MS = 60_000;

function report(
  sessionId: string,
  fields: Partial<SessionReport> = {},
): SessionReport {
  return {
    userId: "alert-user",
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
    reportedAt: Date.now() + AHEAD_MS,
    ...fields,
  };
}

async function stats(): Promise<RegistryStats> {
  const response = await exports.default.fetch(
    "http://audio.test/api/audio-storage/stats",
    {
      headers: adminHeaders(),
    },
  );
  return (await response.json()) as RegistryStats;
}

function alertsOf(figures: RegistryStats, sessionId: string) {
  return figures.alerts.active
    .filter((alert) => alert.sessionId === sessionId)
    .map((alert) => `${alert.name}:${alert.level}`);
}

it("alerts follow thresholds and reach the logs", async () => {
  const warn = vi.spyOn(console, "warn");
  const error = vi.spyOn(console, "error");
  const send = (r: SessionReport) =>
    registryForSession(env, r.sessionId).report(r);

  await send(report("mem-ok", { memoryBytes: Math.floor(budget * 0.8) }));
  await send(report("mem-warn", { memoryBytes: Math.floor(budget * 0.81) }));
  await send(report("mem-crit", { memoryBytes: Math.floor(budget * 0.96) }));
  await send(report("fail-2", { uploadFailures: 2, consecutiveFailures: 2 }));
  await send(
    report("fail-3", {
      uploadFailures: 3,
      consecutiveFailures: 3,
      lastError: "put failed",
    }),
  );
  await send(report("slow", { reportedAt: Date.now() - 500 }));

  const figures = await stats();
  expect(alertsOf(figures, "mem-ok")).toEqual([]);
  expect(alertsOf(figures, "mem-warn")).toEqual(["memory:warning"]);
  expect(alertsOf(figures, "mem-crit")).toEqual(["memory:critical"]);
  expect(alertsOf(figures, "fail-2")).toEqual([]);
  expect(alertsOf(figures, "fail-3")).toEqual(["upload_failures:critical"]);
  expect(alertsOf(figures, "slow")).toEqual(["processing_latency:warning"]);
  expect(figures.alerts.status).toBe("critical");
  expect(figures.uploads.failures).toBe(5);
  expect(figures.processingLatency.maxMs).toBeGreaterThanOrEqual(500);

  const lines = [...warn.mock.calls, ...error.mock.calls].map((call) =>
    String(call[0]),
  );
  const raised = lines.filter((line) =>
    line.includes('"event":"alert_raised"'),
  );
  expect(
    raised.some(
      (line) =>
        line.includes('"mem-warn"') && line.includes('"level":"warning"'),
    ),
  ).toBe(true);
  expect(
    raised.some(
      (line) =>
        line.includes('"mem-crit"') && line.includes('"level":"critical"'),
    ),
  ).toBe(true);
  expect(raised.some((line) => line.includes('"fail-3"'))).toBe(true);
  expect(raised.some((line) => line.includes('"slow"'))).toBe(true);
  expect(raised.some((line) => line.includes('"mem-ok"'))).toBe(false);

  // A repeated report does not log the same alert again; a recovery clears it.
  const before = raised.length;
  await send(
    report("fail-3", {
      uploadFailures: 3,
      consecutiveFailures: 3,
      reportedAt: Date.now() + AHEAD_MS + 1,
    }),
  );
  await send(
    report("fail-3", {
      uploadSuccesses: 1,
      uploadFailures: 3,
      reportedAt: Date.now() + AHEAD_MS + 2,
    }),
  );
  const after = [...warn.mock.calls, ...error.mock.calls]
    .map((call) => String(call[0]))
    .filter((line) => line.includes('"event":"alert_raised"'));
  expect(after.length).toBe(before);
  expect(alertsOf(await stats(), "fail-3")).toEqual([]);
  warn.mockRestore();
  error.mockRestore();
});

it("stopped session drops its alerts", async () => {
  const send = (r: SessionReport) =>
    registryForSession(env, r.sessionId).report(r);
  await send(report("stops", { memoryBytes: budget }));
  expect(alertsOf(await stats(), "stops")).toEqual(["memory:critical"]);
  await send(
    report("stops", {
      memoryBytes: budget,
      state: "stopped",
      reportedAt: Date.now() + AHEAD_MS + 1,
    }),
  );
  expect(alertsOf(await stats(), "stops")).toEqual([]);
});

it("late report does not revive a stopped session", async () => {
  const registry = registryForSession(env, "late");
  const at = Date.now();
  await registry.report(report("late", { state: "stopped", reportedAt: at }));
  await registry.report(
    report("late", { state: "streaming", reportedAt: at - 10 }),
  );
  await registry.report(report("late", { state: "stopping", reportedAt: at }));
  expect(await registry.isLive("alert-user", "late", Date.now())).toBe(false);
});
