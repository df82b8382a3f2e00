import { DurableObject } from "cloudflare:workers";
import { configFor, type Config } from "../src/config.ts";
import type { Env } from "../src/env.ts";
import { log } from "../src/log.ts";
import {
  alertCodes,
  evaluateAlerts,
  logAlertChanges,
  type Alert,
} from "../src/registry/alerts.ts";
import {
  RegistryStore,
  SAMPLES_KEPT,
  toStatus,
} from "../src/registry/registry-store.ts";
import type { RegistryState, ShardStats } from "../src/registry/types.ts";
import type { SessionReport } from "../src/session/report.ts";

/** Stopped and stale rows are kept this long for the stats, in ms. */
const FINISHED_KEPT_MS = 24 * 60 * 60 * 1000;
/** Live and stale sessions one shard lists in its stats. */
const LISTED_PER_SHARD = 500;
const LIVE_STATES: RegistryState[] = ["streaming", "stopping"];

/**
 * One registry shard. Every session object reports to the shard that its
 * session id hashes to, at start, after each upload run and at stop (never
 * per frame). The shard keeps each session's latest figures and the running
 * totals in SQLite, raises alerts, and marks a live session stale when its
 * reports stop for AUDIO_STORAGE_STALE_AFTER_MS, using its own alarm.
 */
export class SessionRegistry extends DurableObject<Env> {
  private readonly config: Config;
  private readonly store: RegistryStore;
  private alarmAt: number | null = null;
  private samplesSinceTrim = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = configFor(env);
    this.store = new RegistryStore(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  /** Stores a session's latest report and updates the totals and alerts. */
  report(report: SessionReport): void {
    const now = Date.now();
    const previous = this.store.row(report.userId, report.sessionId);
    if (previous && isOutOfOrder(previous, report)) return;

    const processingMs = Math.max(0, now - report.reportedAt);
    const state = toRegistryState(report.state);
    const alerts =
      state === "stopped"
        ? []
        : evaluateAlerts({
            memoryBytes: report.memoryBytes,
            memoryBudgetBytes: this.config.memoryBudgetBytes,
            consecutiveFailures: report.consecutiveFailures,
            processingMs,
          });
    const ids = { userId: report.userId, sessionId: report.sessionId };
    logAlertChanges(ids, previous ? storedCodes(previous.alerts) : "", alerts);
    if (previous?.state === "stale") log.info("session_revived", ids);

    this.updateTotals(previous, report, state);
    if (report.uploadSuccesses > (previous?.upload_successes ?? 0)) {
      this.store.addSample("upload", report.lastUploadMs);
    }
    this.store.addSample("processing", processingMs);
    if (++this.samplesSinceTrim >= SAMPLES_KEPT) {
      this.samplesSinceTrim = 0;
      this.store.trimSamples();
    }
    this.store.save(report, {
      state,
      processingMs,
      alerts: JSON.stringify(alerts),
      firstReportedAt: previous?.first_reported_at ?? now,
      receivedAt: now,
    });
    this.ensureAlarm(now + this.config.staleAfterMs);
  }

  private updateTotals(
    previous: {
      received: number;
      uploaded: number;
      upload_successes: number;
      upload_failures: number;
      state: string;
    } | null,
    report: SessionReport,
    state: RegistryState,
  ): void {
    const grown = (now: number, before = 0) => Math.max(0, now - before);
    this.store.addToTotals({
      sessionsStarted: previous ? 0 : 1,
      sessionsStopped:
        state === "stopped" && previous?.state !== "stopped" ? 1 : 0,
      bytesReceived: grown(report.received, previous?.received),
      bytesUploaded: grown(report.uploaded, previous?.uploaded),
      uploadSuccesses: grown(
        report.uploadSuccesses,
        previous?.upload_successes,
      ),
      uploadFailures: grown(report.uploadFailures, previous?.upload_failures),
    });
  }

  /**
   * Marks live sessions whose last report arrived before `now` minus the
   * stale timeout as stale, and returns how many it marked. The alarm calls
   * it with the current time.
   */
  markStale(now: number): number {
    const cutoff = now - this.config.staleAfterMs;
    const overdue = this.store.rows(
      "state IN ('streaming', 'stopping') AND received_at < ?",
      cutoff,
    );
    for (const row of overdue) {
      const ids = { userId: row.user_id, sessionId: row.session_id };
      logAlertChanges(ids, storedCodes(row.alerts), []);
      this.store.setState(row.user_id, row.session_id, "stale", "[]");
      log.warn("session_stale", {
        ...ids,
        silentMs: now - row.received_at,
        lastState: row.state,
        received: row.received,
        uploaded: row.uploaded,
      });
    }
    this.store.addToTotals({ sessionsMarkedStale: overdue.length });
    return overdue.length;
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.alarmAt = null;
    this.markStale(now);
    const pruned = this.store.deleteOlderThan(
      ["stopped", "stale"],
      now - FINISHED_KEPT_MS,
    );
    if (pruned > 0) log.info("registry_pruned", { sessions: pruned });
    this.store.trimSamples();

    const earliestLive = this.store.earliestReceived(LIVE_STATES);
    if (earliestLive !== null) {
      this.ensureAlarm(earliestLive + this.config.staleAfterMs);
    } else if (this.store.earliestReceived(["stopped", "stale"]) !== null) {
      this.ensureAlarm(now + FINISHED_KEPT_MS / 24);
    }
  }

  /** Arms the alarm for `at` unless one is already due sooner. */
  private ensureAlarm(at: number): void {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  /** This shard's figures; live sessions overdue at `now` count as stale. */
  stats(shard: number, now: number): ShardStats {
    this.markStale(now);
    const live = this.store.rows("state IN ('streaming', 'stopping')");
    const userSessionCounts: Record<string, number> = {};
    for (const row of live) {
      userSessionCounts[row.user_id] =
        (userSessionCounts[row.user_id] ?? 0) + 1;
    }
    const listed = this.store.rows(
      `state IN ('streaming', 'stopping', 'stale') ORDER BY received_at DESC LIMIT ${LISTED_PER_SHARD}`,
    );
    return {
      shard,
      liveSessions: live.length,
      staleSessions: this.store.rows("state = 'stale'").length,
      stoppedSessions: this.store.rows("state = 'stopped'").length,
      memoryBytes: live.reduce((sum, row) => sum + row.memory_bytes, 0),
      maxMemoryBytes: Math.max(0, ...live.map((row) => row.memory_bytes)),
      totals: this.store.totals(),
      uploadLatencySamples: this.store.samples("upload"),
      processingLatencySamples: this.store.samples("processing"),
      userSessionCounts,
      sessions: listed.map((row) => toStatus(row, parseAlerts(row.alerts))),
    };
  }

  /** Keys `userId/sessionId` of the sessions live at `now`. */
  liveSessions(now: number): string[] {
    this.markStale(now);
    return this.store
      .rows("state IN ('streaming', 'stopping')")
      .map((row) => `${row.user_id}/${row.session_id}`);
  }

  /** True when the session reported and is neither stopped nor stale. */
  isLive(userId: string, sessionId: string, now: number): boolean {
    this.markStale(now);
    const row = this.store.row(userId, sessionId);
    return row !== null && LIVE_STATES.includes(row.state as RegistryState);
  }

  /** Where the retention job stopped, kept on shard 0 between cron runs. */
  retentionStartAfter(): string | null {
    return this.store.retentionStartAfter();
  }

  setRetentionStartAfter(key: string | null): void {
    this.store.setRetentionStartAfter(key);
  }
}

/**
 * True for a report older than the stored one. Reports travel as separate
 * RPCs and can arrive out of order, and a late `streaming` report must not
 * revive a session that already reported `stopped`.
 */
function isOutOfOrder(
  previous: { reported_at: number; state: string },
  report: SessionReport,
): boolean {
  if (report.reportedAt < previous.reported_at) return true;
  return (
    report.reportedAt === previous.reported_at &&
    previous.state === "stopped" &&
    report.state !== "stopped"
  );
}

function toRegistryState(state: string): RegistryState {
  if (state === "stopping" || state === "stopped") return state;
  return "streaming";
}

function parseAlerts(text: string): Alert[] {
  return JSON.parse(text) as Alert[];
}

function storedCodes(text: string): string {
  return alertCodes(parseAlerts(text));
}
