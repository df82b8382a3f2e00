import type { Alert } from "./alerts.ts";
import type { LatencySummary } from "./percentiles.ts";

/** A session's figures as it reports them to the registry. */
export interface SessionReport {
  userId: string;
  sessionId: string;
  state: string;
  received: number;
  journaled: number;
  uploaded: number;
  /** Bytes of memory the session's window holds. */
  memoryBytes: number;
  uploadSuccesses: number;
  uploadFailures: number;
  consecutiveFailures: number;
  /** Duration of the last upload, in milliseconds. */
  lastUploadMs: number;
  lastError: string;
  /** Milliseconds since the epoch. */
  reportedAt: number;
}

/** Reported states, plus `stale` for a live session that went silent. */
export type RegistryState = "streaming" | "stopping" | "stopped" | "stale";

/** The registry's view of one session: its last report, and what the registry derived. */
export interface SessionStatus extends Omit<
  SessionReport,
  "state" | "reportedAt"
> {
  state: RegistryState;
  /** Time from the session sending its last report to the registry storing it, in ms. */
  processingMs: number;
  alerts: Alert[];
  /** Milliseconds since the epoch. */
  firstReportedAt: number;
  reportedAt: number;
  receivedAt: number;
}

/** Counters that only grow, kept across sessions the registry has pruned. */
export interface RegistryTotals {
  sessionsStarted: number;
  sessionsStopped: number;
  sessionsMarkedStale: number;
  bytesReceived: number;
  bytesUploaded: number;
  uploadSuccesses: number;
  uploadFailures: number;
}

/** Returns totals with every counter at zero. */
export function emptyTotals(): RegistryTotals {
  return {
    sessionsStarted: 0,
    sessionsStopped: 0,
    sessionsMarkedStale: 0,
    bytesReceived: 0,
    bytesUploaded: 0,
    uploadSuccesses: 0,
    uploadFailures: 0,
  };
}

/** One shard's figures, in a form that merges exactly with other shards'. */
export interface ShardStats {
  shard: number;
  liveSessions: number;
  staleSessions: number;
  stoppedSessions: number;
  memoryBytes: number;
  maxMemoryBytes: number;
  totals: RegistryTotals;
  uploadLatencySamples: number[];
  processingLatencySamples: number[];
  /** Live sessions per user id. */
  userSessionCounts: Record<string, number>;
  /** Live and stale sessions, newest report first, capped per shard. */
  sessions: SessionStatus[];
}

/** Figures across every shard, as `GET /api/audio-storage/stats` returns them. */
export interface RegistryStats {
  generatedAt: string;
  shards: number;
  sessions: {
    active: number;
    stale: number;
    stoppedRecently: number;
    startedTotal: number;
    stoppedTotal: number;
    markedStaleTotal: number;
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
    /** Successes over attempts, or null before the first attempt. */
    successRate: number | null;
    latency: LatencySummary;
  };
  processingLatency: LatencySummary;
  sessionsPerUser: {
    users: number;
    max: number;
    mean: number;
    top: { userId: string; sessions: number }[];
  };
  alerts: {
    status: "ok" | "warning" | "critical";
    active: (Alert & { userId: string; sessionId: string })[];
  };
  liveSessions: SessionStatus[];
}
