/** The live sessions table. */
import {
  element,
  formatBytes,
  formatDuration,
  formatPercent,
} from "../shared/format.ts";
import type { SessionStatus } from "../shared/admin-api.ts";

function lastUpload(session: SessionStatus): string {
  if (session.uploadSuccesses === 0 && session.uploadFailures === 0) {
    return "none yet";
  }
  const outcome =
    session.consecutiveFailures > 0
      ? `${session.consecutiveFailures} failed in a row`
      : `took ${Math.round(session.lastUploadMs)} ms`;
  return `${outcome}; ${session.uploadSuccesses} succeeded, ${session.uploadFailures} failed`;
}

function stateText(session: SessionStatus): string {
  const parts: string[] = [session.state];
  if (session.alerts.length > 0) parts.push("alerting");
  if (session.lastError !== "") parts.push(`last error: ${session.lastError}`);
  return parts.join("; ");
}

function cell(text: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

/** Replaces the table's rows; `budgetBytes` is the per-session memory budget. */
export function renderSessions(
  sessions: SessionStatus[],
  budgetBytes: number,
  nowMs: number,
): void {
  const body = element<HTMLTableElement>("sessions-table").tBodies[0]!;
  const rows = sessions.map((session) => {
    const row = document.createElement("tr");
    row.dataset.sessionId = session.sessionId;
    row.dataset.userId = session.userId;
    const memory = `${formatBytes(session.memoryBytes)} (${formatPercent(session.memoryBytes / budgetBytes)} of budget)`;
    row.append(
      cell(session.userId),
      cell(session.sessionId),
      cell(formatDuration(nowMs - session.firstReportedAt)),
      cell(formatBytes(session.received)),
      cell(formatBytes(session.uploaded)),
      cell(memory),
      cell(lastUpload(session)),
      cell(stateText(session)),
    );
    return row;
  });
  body.replaceChildren(...rows);
  element("sessions-empty").hidden = rows.length > 0;
}
