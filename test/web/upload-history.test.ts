import { describe, expect, it } from "vitest";
import type { RegistryStats } from "../../src/registry/types.ts";
import { MAX_POINTS, UploadHistory } from "../../web/admin/upload-history.ts";

/** Stats with only the upload figures the history reads. */
function stats(
  successes: number,
  failures: number,
  meanMs: number | null = null,
): RegistryStats {
  return {
    uploads: {
      successes,
      failures,
      successRate: null,
      latency: { samples: 0, meanMs, p95Ms: meanMs, maxMs: meanMs },
    },
  } as RegistryStats;
}

describe("UploadHistory", () => {
  it("rates each interval from the change in totals", () => {
    const history = new UploadHistory();
    history.add(stats(3, 1, 40), 1_000);
    history.add(stats(5, 1, 50), 6_000);
    history.add(stats(6, 4, 60), 11_000);

    const [time, success, mean, p95] = history.columns();
    expect(time).toEqual([1, 6, 11]);
    expect(success).toEqual([75, 100, 25]);
    expect(mean).toEqual([40, 50, 60]);
    expect(p95).toEqual([40, 50, 60]);
    expect(history.plottedPoints).toBe(3);
  });

  it("leaves intervals without uploads empty", () => {
    const history = new UploadHistory();
    history.add(stats(0, 0), 1_000);
    history.add(stats(0, 0), 2_000);

    expect(history.columns()[1]).toEqual([null, null]);
    expect(history.plottedPoints).toBe(0);
  });

  it("leaves the interval empty after a registry reset", () => {
    const history = new UploadHistory();
    history.add(stats(10, 0), 1_000);
    history.add(stats(2, 0), 2_000);
    history.add(stats(4, 0), 3_000);

    expect(history.columns()[1]).toEqual([100, null, 100]);
  });

  it("keeps at most MAX_POINTS points", () => {
    const history = new UploadHistory();
    for (let i = 0; i < MAX_POINTS + 5; i++)
      history.add(stats(i, 0), i * 1_000);

    const [time] = history.columns();
    expect(time.length).toBe(MAX_POINTS);
    expect(time[0]).toBe(5);
    expect(history.latest?.time).toBe(MAX_POINTS + 4);
  });
});
