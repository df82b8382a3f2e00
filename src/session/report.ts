import { configFor } from "../config.ts";
import type { Env } from "../env.ts";
import { errorMessage, log } from "../log.ts";
import { registryForSession } from "../registry/shards.ts";
import type { SessionReport } from "../registry/types.ts";

export type { SessionReport };
import { userSessionsFor } from "./user-slots.ts";

/**
 * Sends a report to the session's registry shard (a hash of the session id
 * picks it) and renews or, at stop, releases the user's session slot. A
 * registry or slot object that fails never affects the session: the error
 * is logged and dropped.
 */
export async function reportSession(
  env: Env,
  report: SessionReport,
): Promise<void> {
  const ids = { userId: report.userId, sessionId: report.sessionId };
  const results = await Promise.allSettled([
    sendToRegistry(env, report),
    updateSlot(env, report),
  ]);
  const events = ["registry_report_failed", "session_slot_update_failed"];
  results.forEach((result, i) => {
    if (result.status === "fulfilled") return;
    log.warn(events[i] ?? "report_failed", {
      ...ids,
      error: errorMessage(result.reason),
    });
  });
}

async function sendToRegistry(env: Env, report: SessionReport): Promise<void> {
  await registryForSession(env, report.sessionId).report(report);
}

async function updateSlot(env: Env, report: SessionReport): Promise<void> {
  const slots = userSessionsFor(env, report.userId);
  if (report.state === "stopped") {
    await slots.release(report.sessionId);
  } else {
    await slots.renew(report.sessionId, configFor(env).staleAfterMs);
  }
}
