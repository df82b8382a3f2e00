import { DurableObject } from "cloudflare:workers";
import type { Env } from "../src/env.ts";
import type { SessionReport } from "../src/session/report.ts";

/** Aggregate figures across every session the registry has heard from. */
export interface RegistryStats {
  activeSessions: number;
  memoryBytes: number;
  uploadSuccesses: number;
  uploadFailures: number;
  sessions: SessionReport[];
}

/**
 * The singleton that every session object reports to at start, after each
 * upload and at close (never per frame). It keeps the latest report per
 * session in SQLite.
 */
export class SessionRegistry extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS sessions (
        user_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        report TEXT NOT NULL,
        reported_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, session_id)
      )
    `);
  }

  /** Stores a session's latest report. */
  report(report: SessionReport): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO sessions (user_id, session_id, report, reported_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, session_id) DO UPDATE SET report = excluded.report, reported_at = excluded.reported_at`,
      report.userId,
      report.sessionId,
      JSON.stringify(report),
      report.reportedAt,
    );
  }

  /** Returns the aggregate figures and every session's latest report. */
  stats(): RegistryStats {
    const sessions = this.ctx.storage.sql
      .exec<{ report: string }>(
        "SELECT report FROM sessions ORDER BY reported_at DESC",
      )
      .toArray()
      .map((row) => JSON.parse(row.report) as SessionReport);
    const live = sessions.filter((s) => s.state !== "stopped");
    return {
      activeSessions: live.length,
      memoryBytes: live.reduce((sum, s) => sum + s.memoryBytes, 0),
      uploadSuccesses: sessions.reduce((sum, s) => sum + s.uploadSuccesses, 0),
      uploadFailures: sessions.reduce((sum, s) => sum + s.uploadFailures, 0),
      sessions,
    };
  }
}
