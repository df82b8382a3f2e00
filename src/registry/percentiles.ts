/** Mean, 95th percentile and maximum of a set of durations, in ms. */
export interface LatencySummary {
  samples: number;
  meanMs: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

/** Summarizes `values`; the p95 is the nearest-rank percentile. */
export function summarizeLatency(values: number[]): LatencySummary {
  if (values.length === 0) {
    return { samples: 0, meanMs: null, p95Ms: null, maxMs: null };
  }
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  const rank = Math.ceil(0.95 * sorted.length) - 1;
  return {
    samples: sorted.length,
    meanMs: sum / sorted.length,
    p95Ms: sorted[rank] ?? null,
    maxMs: sorted[sorted.length - 1] ?? null,
  };
}
