/** Sizes and durations of one bench run; `--quick` picks the small plan. */
export interface BenchPlan {
  name: "full" | "quick";
  ingest: { sockets: number; durationMs: number; rounds: number };
  memory: { sessions: number };
  download: { shortSeconds: number; longSeconds: number };
  storage: {
    sessions: number;
    durationMs: number;
    steadyFromMs: number;
    steadyToMs: number;
  };
  concurrency: { steps: number[]; durationMs: number };
}

export const FULL_PLAN: BenchPlan = {
  name: "full",
  ingest: { sockets: 4, durationMs: 3_000, rounds: 3 },
  memory: { sessions: 20 },
  download: { shortSeconds: 120, longSeconds: 3_600 },
  // The window spans two 60 s upload intervals, so it holds two alarm uploads.
  storage: {
    sessions: 4,
    durationMs: 155_000,
    steadyFromMs: 30_000,
    steadyToMs: 150_000,
  },
  concurrency: {
    steps: [5, 10, 25, 50, 100, 200, 300, 400],
    durationMs: 10_000,
  },
};

export const QUICK_PLAN: BenchPlan = {
  name: "quick",
  ingest: { sockets: 2, durationMs: 1_000, rounds: 1 },
  memory: { sessions: 2 },
  download: { shortSeconds: 10, longSeconds: 60 },
  storage: {
    sessions: 2,
    durationMs: 6_000,
    steadyFromMs: 1_000,
    steadyToMs: 5_000,
  },
  concurrency: { steps: [5, 10], durationMs: 2_000 },
};
