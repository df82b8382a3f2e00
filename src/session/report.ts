import type { Env } from "../env.ts";
import { errorMessage, log } from "../log.ts";

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

/** Name of the singleton registry object. */
export const REGISTRY_NAME = "registry";

/**
 * Sends a report to the registry. A registry that fails never affects the
 * session: the error is logged and dropped.
 */
export async function reportSession(
  env: Env,
  report: SessionReport,
): Promise<void> {
  try {
    const registry = env.SESSION_REGISTRY.get(
      env.SESSION_REGISTRY.idFromName(REGISTRY_NAME),
    );
    await registry.report(report);
  } catch (error) {
    log.warn("registry_report_failed", {
      userId: report.userId,
      sessionId: report.sessionId,
      error: errorMessage(error),
    });
  }
}
