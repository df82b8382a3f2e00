/**
 * The wire form of `GET /api/audio-storage/stats`, the fields the dashboard
 * reads. TODO: import the Worker's own RegistryStats type once the admin API
 * lands on this branch, so the two cannot drift apart.
 */

export type AlertLevel = "warning" | "critical";

export interface SessionAlert {
  name: string;
  level: AlertLevel;
  value: number;
  threshold: number;
}

export interface LatencySummary {
  samples: number;
  meanMs: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

export interface LiveSession {
  userId: string;
  sessionId: string;
  state: string;
  received: number;
  journaled: number;
  uploaded: number;
  memoryBytes: number;
  uploadSuccesses: number;
  uploadFailures: number;
  consecutiveFailures: number;
  lastUploadMs: number;
  lastError: string;
  alerts: SessionAlert[];
  /** Milliseconds since the epoch. */
  firstReportedAt: number;
  reportedAt: number;
  receivedAt: number;
}

export interface RegistryStats {
  generatedAt: string;
  sessions: {
    active: number;
    stale: number;
    stoppedRecently: number;
    startedTotal: number;
    stoppedTotal: number;
  };
  memory: {
    inUseBytes: number;
    budgetBytesPerSession: number;
    /** In-use bytes over the budget of every active session together, 0 to 1. */
    share: number;
    maxSessionShare: number;
  };
  bytes: { received: number; uploaded: number };
  uploads: {
    successes: number;
    failures: number;
    successRate: number | null;
    latency: LatencySummary;
  };
  alerts: {
    status: "ok" | AlertLevel;
    active: (SessionAlert & { userId: string; sessionId: string })[];
  };
  liveSessions: LiveSession[];
}
