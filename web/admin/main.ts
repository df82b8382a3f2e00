/**
 * The admin dashboard. Nothing is fetched until the admin token is entered;
 * a rejected token signs the tab out again.
 */
import { fetchStats } from "../shared/admin-api.ts";
import { adminToken, clearAdminToken, saveAdminToken } from "../shared/auth.ts";
import { element } from "../shared/format.ts";
import { HttpError } from "../shared/http.ts";
import { Poller } from "./poller.ts";
import { RecordingsBrowser } from "./recordings-browser.ts";
import { renderSessions } from "./sessions-table.ts";
import { renderAlerts, renderSummary } from "./summary.ts";
import { UploadChart } from "./upload-chart.ts";
import { UploadHistory } from "./upload-history.ts";

/** Refresh interval; the registry aggregates every shard per request. */
const REFRESH_INTERVAL_MS = 5_000;
/** Maximum wait between refreshes while the stats route keeps failing. */
const MAX_BACKOFF_MS = 60_000;

const signIn = element("sign-in");
const dashboard = element("dashboard");
const history = new UploadHistory();
let chart: UploadChart | null = null;
let browser: RecordingsBrowser | null = null;

const poller = new Poller({
  intervalMs: REFRESH_INTERVAL_MS,
  maxBackoffMs: MAX_BACKOFF_MS,
  refresh,
});

async function refresh(): Promise<void> {
  const status = element("refresh-status");
  try {
    const stats = await fetchStats();
    const now = Date.now();
    history.add(stats, now);
    renderAlerts(stats, null);
    renderSummary(stats);
    renderSessions(stats.liveSessions, stats.memory.budgetBytesPerSession, now);
    chart?.update(history);
    status.textContent = `Updated ${new Date(now).toLocaleTimeString()}; refreshes every ${REFRESH_INTERVAL_MS / 1000} s while this tab is visible.`;
  } catch (error) {
    if (error instanceof HttpError && error.status === 401) {
      showSignIn(`The admin token was rejected: ${error.message}`);
      return;
    }
    const message = (error as Error).message;
    renderAlerts(null, message);
    status.textContent = `Refresh failed: ${message}. Retrying in ${poller.nextDelayMs / 1000} s.`;
    throw error;
  }
}

function showSignIn(message: string): void {
  poller.stop();
  clearAdminToken();
  dashboard.hidden = true;
  signIn.hidden = false;
  element("sign-in-status").textContent = message;
  element<HTMLInputElement>("admin-token").focus();
}

function showDashboard(): void {
  signIn.hidden = true;
  dashboard.hidden = false;
  element("sign-in-status").textContent = "";
  chart ??= new UploadChart(element("upload-chart"));
  browser ??= new RecordingsBrowser();
  poller.start();
}

element<HTMLFormElement>("sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = element<HTMLInputElement>("admin-token");
  saveAdminToken(input.value);
  input.value = "";
  showDashboard();
});
element("sign-out-button").addEventListener("click", () =>
  showSignIn("Signed out."),
);
element("refresh-button").addEventListener("click", () => void poller.runNow());

if (adminToken() === null) showSignIn("");
else showDashboard();
