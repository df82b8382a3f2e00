import { log } from "../log.ts";

/** Memory share of the budget that raises a warning. */
export const MEMORY_WARNING_SHARE = 0.8;
/** Memory share of the budget that raises a critical alert. */
export const MEMORY_CRITICAL_SHARE = 0.95;
/** Upload failures in a row that raise an alert. */
export const UPLOAD_FAILURES_IN_A_ROW = 3;
/** Processing latency above this raises a warning, in milliseconds. */
export const PROCESSING_LATENCY_LIMIT_MS = 100;

export type AlertName = "memory" | "upload_failures" | "processing_latency";
export type AlertLevel = "warning" | "critical";

/** One alert condition a session is in. */
export interface Alert {
  name: AlertName;
  level: AlertLevel;
  value: number;
  threshold: number;
}

/** The figures of one session that alerts are computed from. */
export interface AlertInput {
  memoryBytes: number;
  memoryBudgetBytes: number;
  consecutiveFailures: number;
  processingMs: number;
}

/** Lists the alert conditions `input` is in, most severe kind first. */
export function evaluateAlerts(input: AlertInput): Alert[] {
  const alerts: Alert[] = [];
  const share = input.memoryBytes / input.memoryBudgetBytes;
  if (share > MEMORY_CRITICAL_SHARE) {
    alerts.push({
      name: "memory",
      level: "critical",
      value: share,
      threshold: MEMORY_CRITICAL_SHARE,
    });
  } else if (share > MEMORY_WARNING_SHARE) {
    alerts.push({
      name: "memory",
      level: "warning",
      value: share,
      threshold: MEMORY_WARNING_SHARE,
    });
  }
  if (input.consecutiveFailures >= UPLOAD_FAILURES_IN_A_ROW) {
    alerts.push({
      name: "upload_failures",
      level: "critical",
      value: input.consecutiveFailures,
      threshold: UPLOAD_FAILURES_IN_A_ROW,
    });
  }
  if (input.processingMs > PROCESSING_LATENCY_LIMIT_MS) {
    alerts.push({
      name: "processing_latency",
      level: "warning",
      value: input.processingMs,
      threshold: PROCESSING_LATENCY_LIMIT_MS,
    });
  }
  return alerts;
}

/** Stored form of a set of alerts: `name:level` pairs joined by commas. */
export function alertCodes(alerts: Alert[]): string {
  return alerts.map((alert) => `${alert.name}:${alert.level}`).join(",");
}

function splitCodes(codes: string): string[] {
  return codes === "" ? [] : codes.split(",");
}

/**
 * Logs the alerts that `next` raises and the ones it clears compared with
 * the stored `previous` codes, so each change is logged once.
 */
export function logAlertChanges(
  ids: { userId: string; sessionId: string },
  previous: string,
  next: Alert[],
): void {
  const before = new Set(splitCodes(previous));
  const after = new Set(splitCodes(alertCodes(next)));
  for (const alert of next) {
    if (before.has(`${alert.name}:${alert.level}`)) continue;
    const fields = {
      ...ids,
      alert: alert.name,
      level: alert.level,
      value: alert.value,
      threshold: alert.threshold,
    };
    if (alert.level === "critical") log.error("alert_raised", fields);
    else log.warn("alert_raised", fields);
  }
  for (const code of before) {
    if (after.has(code)) continue;
    const [alert, level] = code.split(":");
    log.info("alert_cleared", { ...ids, alert, level });
  }
}
