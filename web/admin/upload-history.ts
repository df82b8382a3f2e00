/**
 * The dashboard's time series of upload figures, one point per refresh.
 * The stats route returns running totals, so the success rate of each
 * interval comes from the change since the previous refresh.
 */
import type { RegistryStats } from "../shared/admin-api.ts";

/** Points kept: 360 refreshes are 30 minutes at a 5 s interval. */
export const MAX_POINTS = 360;

export interface UploadPoint {
  /** Seconds since the epoch, as uPlot's time axis expects. */
  time: number;
  /** Percent of upload attempts in the interval that succeeded, or null without attempts. */
  successPercent: number | null;
  meanMs: number | null;
  p95Ms: number | null;
}

export class UploadHistory {
  private readonly points: UploadPoint[] = [];
  private previous: { successes: number; failures: number } | null = null;

  /** Adds the point for one stats response. */
  add(stats: RegistryStats, nowMs: number): void {
    const { successes, failures, latency } = stats.uploads;
    let successPercent: number | null = null;
    if (this.previous === null) {
      // The first point covers all time, since nothing earlier is known.
      const attempts = successes + failures;
      successPercent = attempts === 0 ? null : (100 * successes) / attempts;
    } else {
      const ok = successes - this.previous.successes;
      const failed = failures - this.previous.failures;
      // Totals drop when the registry restarts; that interval has no rate.
      const valid = ok >= 0 && failed >= 0 && ok + failed > 0;
      successPercent = valid ? (100 * ok) / (ok + failed) : null;
    }
    this.previous = { successes, failures };
    this.points.push({
      time: nowMs / 1000,
      successPercent,
      meanMs: latency.meanMs,
      p95Ms: latency.p95Ms,
    });
    if (this.points.length > MAX_POINTS) this.points.shift();
  }

  /** Columns in uPlot's aligned-data order: time, success %, mean ms, p95 ms. */
  columns(): [
    number[],
    (number | null)[],
    (number | null)[],
    (number | null)[],
  ] {
    return [
      this.points.map((point) => point.time),
      this.points.map((point) => point.successPercent),
      this.points.map((point) => point.meanMs),
      this.points.map((point) => point.p95Ms),
    ];
  }

  /** Points with at least one value to draw. */
  get plottedPoints(): number {
    return this.points.filter(
      (point) =>
        point.successPercent !== null ||
        point.meanMs !== null ||
        point.p95Ms !== null,
    ).length;
  }

  get latest(): UploadPoint | null {
    return this.points[this.points.length - 1] ?? null;
  }
}
