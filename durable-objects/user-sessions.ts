import { DurableObject } from "cloudflare:workers";
import type { Env } from "../src/env.ts";

/** The outcome of asking for a session slot. */
export interface SessionSlot {
  granted: boolean;
  /** True when this call took a new slot rather than renewing one. */
  acquired: boolean;
  /** Slots in use after the call, this one included when granted. */
  active: number;
}

/**
 * One user's concurrent-session slots, one object per user id. A slot is a
 * lease on a session id: the Worker takes it when a stream connects, the
 * session's registry reports renew it, and its stop report releases it. A
 * session that dies without stopping holds its slot until the lease runs
 * out (AUDIO_STORAGE_STALE_AFTER_MS). Reconnecting to a session that holds
 * a slot never counts twice, so a resuming client is not locked out.
 */
export class UserSessions extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS leases (
        session_id TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      )
    `);
  }

  /** Takes or renews the slot of `sessionId` unless `limit` slots are in use. */
  acquire(sessionId: string, limit: number, leaseMs: number): SessionSlot {
    const now = Date.now();
    this.sql.exec("DELETE FROM leases WHERE expires_at <= ?", now);
    const held =
      this.sql
        .exec("SELECT 1 FROM leases WHERE session_id = ?", sessionId)
        .toArray().length > 0;
    const active = this.count();
    if (!held && active >= limit) {
      return { granted: false, acquired: false, active };
    }
    this.renew(sessionId, leaseMs);
    return {
      granted: true,
      acquired: !held,
      active: held ? active : active + 1,
    };
  }

  /** Extends the slot of a session that is still reporting. */
  renew(sessionId: string, leaseMs: number): void {
    this.sql.exec(
      `INSERT INTO leases (session_id, expires_at) VALUES (?, ?)
       ON CONFLICT (session_id) DO UPDATE SET expires_at = excluded.expires_at`,
      sessionId,
      Date.now() + leaseMs,
    );
  }

  release(sessionId: string): void {
    this.sql.exec("DELETE FROM leases WHERE session_id = ?", sessionId);
  }

  /** Slots whose lease has not run out. */
  activeSessions(): string[] {
    return this.sql
      .exec<{ session_id: string }>(
        "SELECT session_id FROM leases WHERE expires_at > ? ORDER BY session_id",
        Date.now(),
      )
      .toArray()
      .map((row) => row.session_id);
  }

  private count(): number {
    return this.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM leases")
      .one().n;
  }
}
