/** Table rows for a pageable list of recordings, each with action buttons. */
import type { RecordingEntry, RecordingPage } from "./admin-api.ts";
import { formatBytes, formatDuration } from "./format.ts";

export interface RowAction {
  label: string;
  /** `userId` is the owner of the listed recordings. */
  run(entry: RecordingEntry, userId: string): Promise<void>;
}

type PageLoader = (cursor: string | null) => Promise<RecordingPage>;

function describe(entry: RecordingEntry): string[] {
  const changed = entry.updatedAt ?? entry.createdAt;
  return [
    entry.sessionId,
    entry.durationSeconds === null
      ? "unknown"
      : formatDuration(entry.durationSeconds * 1000),
    entry.sizeBytes === null ? "unknown" : formatBytes(entry.sizeBytes),
    changed === null ? "unknown" : new Date(changed).toLocaleString(),
    entry.complete ? "yes" : "no, still recording or interrupted",
  ];
}

/**
 * One list of recordings in a table body. Each button's accessible name
 * includes the session id, so a screen reader can tell the rows apart.
 */
export class RecordingRows {
  private cursor: string | null = null;
  private load: PageLoader | null = null;

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly more: HTMLButtonElement,
    private readonly status: HTMLElement,
    private readonly actions: RowAction[],
  ) {
    more.addEventListener("click", () => void this.loadPage());
  }

  /** Clears the rows and shows the first page that `load` returns. */
  async show(load: PageLoader): Promise<void> {
    this.load = load;
    this.cursor = null;
    this.body.replaceChildren();
    this.more.hidden = true;
    await this.loadPage();
  }

  /** Removes the row of a deleted recording. */
  remove(entry: RecordingEntry): void {
    for (const row of Array.from(this.body.rows)) {
      if (row.dataset.path === entry.path) row.remove();
    }
  }

  get count(): number {
    return this.body.rows.length;
  }

  private async loadPage(): Promise<void> {
    if (!this.load) return;
    this.status.textContent = "Loading recordings…";
    try {
      const page = await this.load(this.cursor);
      for (const entry of page.recordings) {
        this.body.append(this.row(entry, page.userId));
      }
      this.cursor = page.cursor;
      this.more.hidden = page.cursor === null;
      this.status.textContent = this.summary(page);
    } catch (error) {
      this.status.textContent = `Listing failed: ${(error as Error).message}`;
    }
  }

  private summary(page: RecordingPage): string {
    if (this.count === 0) return `No recordings of ${page.userId}.`;
    const noun = this.count === 1 ? "recording" : "recordings";
    const more = page.cursor === null ? "" : "; more are available";
    return `${this.count} ${noun} of ${page.userId} listed${more}.`;
  }

  private row(entry: RecordingEntry, userId: string): HTMLTableRowElement {
    const row = document.createElement("tr");
    row.dataset.sessionId = entry.sessionId;
    row.dataset.path = entry.path;
    for (const text of describe(entry)) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    const cell = document.createElement("td");
    cell.className = "actions";
    for (const action of this.actions) {
      cell.append(this.button(action, entry, userId));
    }
    row.append(cell);
    return row;
  }

  private button(
    action: RowAction,
    entry: RecordingEntry,
    userId: string,
  ): HTMLButtonElement {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = action.label;
    button.setAttribute(
      "aria-label",
      `${action.label} recording ${entry.sessionId}`,
    );
    button.addEventListener("click", () => {
      button.disabled = true;
      action
        .run(entry, userId)
        .catch((error: Error) => {
          this.status.textContent = `${action.label} ${entry.sessionId} failed: ${error.message}`;
        })
        .finally(() => {
          button.disabled = false;
        });
    });
    return button;
  }
}
