import type { AudioFormat } from "../audio/format.ts";
import { ContainerStore } from "./container-store.ts";
import type { GapEntry, SegmentEntry } from "./manifest.ts";

/** The session row: identity, format and the durable offsets. */
export interface SessionRecord {
  userId: string;
  sessionId: string;
  format: AudioFormat | null;
  /** "streaming" until stop is requested, "stopping" until it completes. */
  state: "streaming" | "stopping" | "stopped";
  /** One past the last byte stored in R2. */
  uploaded: number;
  /** Milliseconds since the epoch of the first audio, or 0. */
  startedAt: number;
  uploadSuccesses: number;
  uploadFailures: number;
  /** Failures since the last success. */
  consecutiveFailures: number;
  lastUploadMs: number;
  lastError: string;
}

/** A journal row: audio bytes [start, start + data.length) not yet in R2. */
export interface JournalRow {
  start: number;
  data: Uint8Array;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS session (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    record TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS journal (
    start INTEGER PRIMARY KEY,
    end INTEGER NOT NULL,
    data BLOB NOT NULL
  );
  CREATE TABLE IF NOT EXISTS segments (
    start INTEGER PRIMARY KEY,
    end INTEGER NOT NULL,
    key TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS gaps (
    start INTEGER PRIMARY KEY,
    end INTEGER NOT NULL
  );
`;

/**
 * The session object's SQLite tables. Every call is synchronous: SQLite in a
 * Durable Object commits with the output gate, so a message sent after a
 * write reaches the client only once the write is durable.
 */
export class SessionStore {
  private readonly sql: SqlStorage;
  /** Parts and segment prefixes of webm and ogg sessions. */
  readonly containers: ContainerStore;

  constructor(storage: DurableObjectStorage) {
    this.sql = storage.sql;
    this.sql.exec(SCHEMA);
    this.containers = new ContainerStore(this.sql);
  }

  loadSession(): SessionRecord | null {
    const row = this.sql
      .exec<{ record: string }>("SELECT record FROM session")
      .toArray()[0];
    return row ? (JSON.parse(row.record) as SessionRecord) : null;
  }

  saveSession(record: SessionRecord): void {
    this.sql.exec(
      "INSERT INTO session (id, record) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record",
      JSON.stringify(record),
    );
  }

  appendJournal(start: number, data: Uint8Array): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO journal (start, end, data) VALUES (?, ?, ?)",
      start,
      start + data.length,
      data,
    );
  }

  /** Offset one past the newest journaled byte, or 0 with an empty journal. */
  journalEnd(): number {
    const row = this.sql
      .exec<{ end: number | null }>("SELECT MAX(end) AS end FROM journal")
      .one();
    return row.end ?? 0;
  }

  /** Journal rows that overlap [from, to), oldest first. */
  readJournal(from: number, to: number): JournalRow[] {
    const rows = this.sql.exec<{ start: number; data: ArrayBuffer }>(
      "SELECT start, data FROM journal WHERE end > ? AND start < ? ORDER BY start",
      from,
      to,
    );
    return rows.toArray().map((row) => ({
      start: row.start,
      data: new Uint8Array(row.data),
    }));
  }

  /** Drops journal rows that end at or before `offset` (they are in R2). */
  trimJournal(offset: number): void {
    this.sql.exec("DELETE FROM journal WHERE end <= ?", offset);
  }

  saveSegment(segment: SegmentEntry): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO segments (start, end, key, uploaded_at) VALUES (?, ?, ?, ?)",
      segment.start,
      segment.end,
      segment.key,
      segment.uploadedAt,
    );
  }

  segments(): SegmentEntry[] {
    return this.sql
      .exec<{ start: number; end: number; key: string; uploaded_at: number }>(
        "SELECT start, end, key, uploaded_at FROM segments ORDER BY start",
      )
      .toArray()
      .map((row) => ({
        key: row.key,
        start: row.start,
        end: row.end,
        uploadedAt: row.uploaded_at,
      }));
  }

  saveGap(gap: GapEntry): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO gaps (start, end) VALUES (?, ?)",
      gap.start,
      gap.end,
    );
  }

  gaps(): GapEntry[] {
    return this.sql
      .exec<{ start: number; end: number }>(
        "SELECT start, end FROM gaps ORDER BY start",
      )
      .toArray();
  }
}
