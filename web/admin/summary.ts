/** The dashboard's alert list and summary figures. */
import { element, formatBytes, formatPercent } from "../shared/format.ts";
import type { Alert, RegistryStats } from "../shared/admin-api.ts";

/** Human wording of the registry's alert names. */
const ALERT_TITLES: Record<string, string> = {
  memory: "Memory over budget",
  upload_failures: "Uploads failing",
  processing_latency: "Registry slow to process reports",
};

function describeAlert(alert: Alert): string {
  const title = ALERT_TITLES[alert.name] ?? alert.name;
  const isShare = alert.name === "memory";
  const value = isShare ? formatPercent(alert.value) : String(alert.value);
  const threshold = isShare
    ? formatPercent(alert.threshold)
    : String(alert.threshold);
  return `${title}: ${value} (threshold ${threshold})`;
}

function setBadge(level: string, text: string): void {
  const badge = element("alert-status");
  badge.dataset.level = level;
  badge.textContent = text;
}

/**
 * Lists the registry's active alerts. `fetchError` is set while the stats
 * route fails, which is itself an alert the registry cannot report.
 */
export function renderAlerts(
  stats: RegistryStats | null,
  fetchError: string | null,
): void {
  const list = element<HTMLUListElement>("alert-list");
  const items: HTMLLIElement[] = [];
  if (fetchError !== null) {
    items.push(alertItem("critical", `Statistics unavailable: ${fetchError}`));
  }
  for (const alert of stats?.alerts.active ?? []) {
    items.push(
      alertItem(
        alert.level,
        `${alert.userId} / ${alert.sessionId}: ${describeAlert(alert)}`,
      ),
    );
  }
  if (items.length === 0) {
    const none = document.createElement("li");
    none.textContent = "No active alerts.";
    items.push(none);
  }
  list.replaceChildren(...items);

  if (fetchError !== null) setBadge("critical", "stats unavailable");
  else setBadge(stats?.alerts.status ?? "ok", stats?.alerts.status ?? "ok");
}

function alertItem(level: string, text: string): HTMLLIElement {
  const item = document.createElement("li");
  item.dataset.level = level;
  const label = document.createElement("strong");
  label.textContent = `${level}: `;
  item.append(label, text);
  return item;
}

function setFigure(id: string, value: number, text: string): void {
  const cell = element(id);
  cell.dataset.value = String(value);
  cell.textContent = text;
}

export function renderSummary(stats: RegistryStats): void {
  setFigure("sum-active", stats.sessions.active, String(stats.sessions.active));
  setFigure("sum-stale", stats.sessions.stale, String(stats.sessions.stale));

  const { inUseBytes, budgetBytesPerSession, share } = stats.memory;
  const budget = budgetBytesPerSession * stats.sessions.active;
  element<HTMLMeterElement>("memory-meter").value = Math.min(1, share);
  element("sum-memory").textContent =
    budget === 0
      ? `${formatBytes(inUseBytes)} (budget ${formatBytes(budgetBytesPerSession)} per session)`
      : `${formatBytes(inUseBytes)} of ${formatBytes(budget)} (${formatPercent(share)})`;

  const { successes, failures, successRate, latency } = stats.uploads;
  element("sum-success-rate").textContent =
    `${formatPercent(successRate)} (${successes} succeeded, ${failures} failed)`;
  element("sum-latency").textContent =
    latency.meanMs === null
      ? "n/a"
      : `${latency.meanMs.toFixed(0)} ms and ${latency.p95Ms?.toFixed(0) ?? "n/a"} ms over ${latency.samples} uploads`;
  element("sum-bytes").textContent =
    `${formatBytes(stats.bytes.received)} and ${formatBytes(stats.bytes.uploaded)}`;
}
