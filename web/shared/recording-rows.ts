/** Table rows for a list of recordings, each with its own action buttons. */
import type { RecordingEntry } from "./admin-api.ts";
import { formatBytes } from "./format.ts";

export interface RowAction {
  label: string;
  run(entry: RecordingEntry): Promise<void>;
}

/**
 * One pageable list of recordings in a table body. Each button's accessible
 * name includes the session id, so a screen reader can tell rows apart.
 */
export class RecordingRows {
  private cursor: string | null = null;
  private load:
    | ((
        cursor: string | null,
      ) => Promise<{ recordings: RecordingEntry[]; cursor: string | null }>)
    | null = null;

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly more: HTMLButtonElement,
    private readonly status: HTMLElement,
    private readonly actions: RowAction[],
  ) {
    more.addEventListener("click", () => void this.loadPage());
  }

  /** Clears the rows and shows the first page that `load` returns. */
  async show(
    load: (
      cursor: string | null,
    ) => Promise<{ recordings: RecordingEntry[]; cursor: string | null }>,
  ): Promise<void> {
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
      for (const entry of page.recordings) this.body.append(this.row(entry));
      this.cursor = page.cursor;
      this.more.hidden = page.cursor === null;
      this.status.textContent =
        this.count === 0
          ? "No recordings found."
          : `${this.count} recording${this.count === 1 ? "" : "s"} listed${page.cursor === null ? "" : "; more are available"}.`;
    } catch (error) {
      this.status.textContent = `Listing failed: ${(error as Error).message}`;
    }
  }

  private row(entry: RecordingEntry): HTMLTableRowElement {
    const row = document.createElement("tr");
    row.dataset.sessionId = entry.sessionId;
    row.dataset.path = entry.path;
    const modified =
      entry.modifiedAt === null
        ? "unknown"
        : new Date(entry.modifiedAt).toLocaleString();
    for (const text of [entry.sessionId, formatBytes(entry.bytes), modified]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    const cell = document.createElement("td");
    cell.className = "actions";
    for (const action of this.actions) cell.append(this.button(action, entry));
    row.append(cell);
    return row;
  }

  private button(action: RowAction, entry: RecordingEntry): HTMLButtonElement {
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
        .run(entry)
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
