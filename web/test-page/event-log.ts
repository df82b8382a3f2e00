/** A capped, newest-first list of stream events that screen readers announce. */

/** Entries kept on screen; older ones are removed. */
const MAX_ENTRIES = 200;

export type EventKind = "info" | "upload" | "error";

export class EventLog {
  constructor(private readonly list: HTMLOListElement) {}

  add(kind: EventKind, text: string): void {
    const item = document.createElement("li");
    item.className = `event event-${kind}`;
    const time = document.createElement("time");
    const now = new Date();
    time.dateTime = now.toISOString();
    time.textContent = now.toLocaleTimeString();
    item.append(time, ` ${text}`);
    this.list.prepend(item);
    while (this.list.children.length > MAX_ENTRIES) {
      this.list.lastElementChild?.remove();
    }
  }

  clear(): void {
    this.list.replaceChildren();
  }
}
