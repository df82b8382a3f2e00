/** The dashboard's recordings browser: list, download, delete and clean up. */
import {
  cleanup,
  deleteRecording,
  downloadRecording,
  listRecordings,
  type RecordingEntry,
} from "../shared/admin-api.ts";
import { element } from "../shared/format.ts";
import { saveResponse } from "../shared/http.ts";
import { RecordingRows } from "../shared/recording-rows.ts";

export class RecordingsBrowser {
  private readonly rows: RecordingRows;
  private readonly status = element("browser-status");

  constructor() {
    this.rows = new RecordingRows(
      element<HTMLTableElement>("browser-table").tBodies[0]!,
      element<HTMLButtonElement>("browser-more"),
      this.status,
      [
        { label: "Download", run: (entry) => this.download(entry) },
        { label: "Delete", run: (entry) => this.delete(entry) },
      ],
    );
    element<HTMLFormElement>("browser-form").addEventListener(
      "submit",
      (event) => {
        event.preventDefault();
        const userId = element<HTMLInputElement>("browser-user").value.trim();
        void this.rows.show((cursor) => listRecordings(userId, cursor));
      },
    );
    element<HTMLFormElement>("cleanup-form").addEventListener(
      "submit",
      (event) => {
        event.preventDefault();
        void this.cleanup();
      },
    );
  }

  private async download(entry: RecordingEntry): Promise<void> {
    await saveResponse(
      await downloadRecording(entry.path),
      `${entry.userId}-${entry.sessionId}.wav`,
    );
  }

  private async delete(entry: RecordingEntry): Promise<void> {
    if (!confirm(`Delete recording ${entry.path}? This cannot be undone.`)) {
      return;
    }
    await deleteRecording(entry.path);
    this.rows.remove(entry);
    this.status.textContent = `Deleted ${entry.path}.`;
  }

  private async cleanup(): Promise<void> {
    const status = element("cleanup-status");
    const days = element<HTMLInputElement>("cleanup-days").valueAsNumber;
    if (!Number.isInteger(days) || days < 1) {
      status.textContent = "Enter a whole number of days, 1 or more.";
      return;
    }
    if (!confirm(`Delete every recording older than ${days} days?`)) return;
    status.textContent = "Cleaning up…";
    try {
      const result = await cleanup(days);
      status.textContent = `Cleanup finished: ${describeCleanup(result)}`;
    } catch (error) {
      status.textContent = `Cleanup failed: ${(error as Error).message}`;
    }
  }
}

/** Lists the numeric fields of the cleanup result, such as deleted counts. */
function describeCleanup(result: Record<string, unknown>): string {
  const parts = Object.entries(result)
    .filter(
      ([, value]) => typeof value === "number" || typeof value === "boolean",
    )
    .map(([name, value]) => `${name} ${String(value)}`);
  return parts.length === 0 ? "done." : `${parts.join(", ")}.`;
}
