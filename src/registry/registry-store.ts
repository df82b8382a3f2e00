import type { Alert } from "./alerts.ts";
import {
  emptyTotals,
  type SessionReport,
  type RegistryState,
  type RegistryTotals,
  type SessionStatus,
} from "./types.ts";

/** Latency samples kept per kind; older ones are deleted. */
export const SAMPLES_KEPT = 1_000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS session_status (
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    state TEXT NOT NULL,
    received INTEGER NOT NULL,
    journaled INTEGER NOT NULL,
    uploaded INTEGER NOT NULL,
    memory_bytes INTEGER NOT NULL,
    upload_successes INTEGER NOT NULL,
    upload_failures INTEGER NOT NULL,
    consecutive_failures INTEGER NOT NULL,
    last_upload_ms REAL NOT NULL,
    last_error TEXT NOT NULL,
    processing_ms REAL NOT NULL,
    alerts TEXT NOT NULL,
    first_reported_at INTEGER NOT NULL,
    reported_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, session_id)
  );
  CREATE INDEX IF NOT EXISTS session_status_by_state
    ON session_status (state, received_at);
  CREATE TABLE IF NOT EXISTS totals (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS latency_samples (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    ms REAL NOT NULL
  );
  CREATE INDEX IF NOT EXISTS latency_samples_by_kind
    ON latency_samples (kind, id);
  CREATE TABLE IF NOT EXISTS retention_progress (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    start_after TEXT
  );
  DROP TABLE IF EXISTS sessions;
`;

/** The stored row of one session, as SQLite returns it. */
type StatusRow = {
  user_id: string;
  session_id: string;
  state: string;
  received: number;
  journaled: number;
  uploaded: number;
  memory_bytes: number;
  upload_successes: number;
  upload_failures: number;
  consecutive_failures: number;
  last_upload_ms: number;
  last_error: string;
  processing_ms: number;
  alerts: string;
  first_reported_at: number;
  reported_at: number;
  received_at: number;
};

export type LatencyKind = "upload" | "processing";

/** Converts a row, given its alerts already parsed from the `alerts` JSON. */
export function toStatus(row: StatusRow, alerts: Alert[]): SessionStatus {
  return {
    userId: row.user_id,
    sessionId: row.session_id,
    state: row.state as RegistryState,
    received: row.received,
    journaled: row.journaled,
    uploaded: row.uploaded,
    memoryBytes: row.memory_bytes,
    uploadSuccesses: row.upload_successes,
    uploadFailures: row.upload_failures,
    consecutiveFailures: row.consecutive_failures,
    lastUploadMs: row.last_upload_ms,
    lastError: row.last_error,
    processingMs: row.processing_ms,
    alerts,
    firstReportedAt: row.first_reported_at,
    reportedAt: row.reported_at,
    receivedAt: row.received_at,
  };
}

/**
 * The registry's SQLite tables. Statements run synchronously, so one
 * report's row, totals and samples change together before the next request.
 * The `sessions` table of the first registry version held only JSON copies
 * of reports and is dropped.
 */
export class RegistryStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  row(userId: string, sessionId: string): StatusRow | null {
    return (
      this.sql
        .exec<StatusRow>(
          "SELECT * FROM session_status WHERE user_id = ? AND session_id = ?",
          userId,
          sessionId,
        )
        .toArray()[0] ?? null
    );
  }

  rows(where: string, ...bindings: (string | number)[]): StatusRow[] {
    return this.sql
      .exec<StatusRow>(
        `SELECT * FROM session_status WHERE ${where}`,
        ...bindings,
      )
      .toArray();
  }

  save(
    report: SessionReport,
    extra: {
      state: RegistryState;
      processingMs: number;
      alerts: string;
      firstReportedAt: number;
      receivedAt: number;
    },
  ): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO session_status VALUES
        (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      report.userId,
      report.sessionId,
      extra.state,
      report.received,
      report.journaled,
      report.uploaded,
      report.memoryBytes,
      report.uploadSuccesses,
      report.uploadFailures,
      report.consecutiveFailures,
      report.lastUploadMs,
      report.lastError,
      extra.processingMs,
      extra.alerts,
      extra.firstReportedAt,
      report.reportedAt,
      extra.receivedAt,
    );
  }

  setState(
    userId: string,
    sessionId: string,
    state: RegistryState,
    alerts: string,
  ): void {
    this.sql.exec(
      "UPDATE session_status SET state = ?, alerts = ? WHERE user_id = ? AND session_id = ?",
      state,
      alerts,
      userId,
      sessionId,
    );
  }

  deleteOlderThan(states: RegistryState[], receivedBefore: number): number {
    const marks = states.map(() => "?").join(", ");
    return this.sql.exec(
      `DELETE FROM session_status WHERE state IN (${marks}) AND received_at < ?`,
      ...states,
      receivedBefore,
    ).rowsWritten;
  }

  /** Earliest `received_at` among rows in `states`, or null. */
  earliestReceived(states: RegistryState[]): number | null {
    const marks = states.map(() => "?").join(", ");
    const row = this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(received_at) AS at FROM session_status WHERE state IN (${marks})`,
        ...states,
      )
      .one();
    return row.at;
  }

  addToTotals(deltas: Partial<RegistryTotals>): void {
    for (const [name, delta] of Object.entries(deltas)) {
      if (!delta) continue;
      this.sql.exec(
        `INSERT INTO totals (name, value) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET value = value + excluded.value`,
        name,
        delta,
      );
    }
  }

  totals(): RegistryTotals {
    const totals = emptyTotals();
    const rows = this.sql.exec<{ name: string; value: number }>(
      "SELECT name, value FROM totals",
    );
    for (const row of rows) {
      if (row.name in totals)
        totals[row.name as keyof RegistryTotals] = row.value;
    }
    return totals;
  }

  addSample(kind: LatencyKind, ms: number): void {
    this.sql.exec(
      "INSERT INTO latency_samples (kind, ms) VALUES (?, ?)",
      kind,
      ms,
    );
  }

  samples(kind: LatencyKind): number[] {
    return this.sql
      .exec<{ ms: number }>(
        "SELECT ms FROM latency_samples WHERE kind = ? ORDER BY id DESC LIMIT ?",
        kind,
        SAMPLES_KEPT,
      )
      .toArray()
      .map((row) => row.ms);
  }

  /** Deletes all but the newest SAMPLES_KEPT samples of each kind. */
  trimSamples(): void {
    for (const kind of ["upload", "processing"] as const) {
      this.sql.exec(
        `DELETE FROM latency_samples WHERE kind = ? AND id <= (
           SELECT id FROM latency_samples WHERE kind = ? ORDER BY id DESC LIMIT 1 OFFSET ?
         )`,
        kind,
        kind,
        SAMPLES_KEPT,
      );
    }
  }

  retentionStartAfter(): string | null {
    const row = this.sql
      .exec<{ start_after: string | null }>(
        "SELECT start_after FROM retention_progress WHERE id = 1",
      )
      .toArray()[0];
    return row?.start_after ?? null;
  }

  setRetentionStartAfter(key: string | null): void {
    this.sql.exec(
      `INSERT INTO retention_progress (id, start_after) VALUES (1, ?)
       ON CONFLICT (id) DO UPDATE SET start_after = excluded.start_after`,
      key,
    );
  }
}
