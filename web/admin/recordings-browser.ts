/** The dashboard's recordings browser: list, download, delete and clean up. */
import {
  cleanup,
  deleteRecording,
  downloadRecording,
  isLiveSessionError,
  listRecordings,
  type CleanupTotals,
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
        { label: "Download", run: (entry, user) => this.download(entry, user) },
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

  private async download(entry: RecordingEntry, userId: string): Promise<void> {
    await saveResponse(
      await downloadRecording(entry.path),
      `${userId}-${entry.sessionId}.wav`,
    );
  }

  private async delete(entry: RecordingEntry): Promise<void> {
    if (!confirm(`Delete recording ${entry.path}? This cannot be undone.`)) {
      return;
    }
    let result;
    try {
      result = await deleteRecording(entry.path, false);
    } catch (error) {
      if (!isLiveSessionError(error)) throw error;
      const question = `Session ${entry.sessionId} is still streaming, and its next upload would recreate part of the recording. Delete it anyway?`;
      if (!confirm(question)) return;
      result = await deleteRecording(entry.path, true);
    }
    this.rows.remove(entry);
    this.status.textContent = `Deleted ${result.path} (${result.deleted} objects).`;
  }

  private async cleanup(): Promise<void> {
    const status = element("cleanup-status");
    const days = element<HTMLInputElement>("cleanup-days").valueAsNumber;
    if (!Number.isInteger(days) || days < 0) {
      status.textContent = "Enter a whole number of days, 0 or more.";
      return;
    }
    if (!confirm(`Delete every recording older than ${days} days?`)) return;
    status.textContent = "Cleaning up…";
    try {
      const totals = await cleanup(days, (progress) => {
        status.textContent = `Cleaning up: ${describeCleanup(progress)}`;
      });
      status.textContent = totals.complete
        ? `Cleanup finished: ${describeCleanup(totals)}`
        : `Cleanup stopped before the end of the bucket: ${describeCleanup(totals)} Press Clean up again to continue.`;
    } catch (error) {
      status.textContent = `Cleanup failed: ${(error as Error).message}`;
    }
  }
}

function describeCleanup(totals: CleanupTotals): string {
  return `${totals.deletedRecordings} recordings (${totals.deletedObjects} objects) deleted, ${totals.skippedLive} live sessions skipped, ${totals.scannedObjects} objects scanned.`;
}
