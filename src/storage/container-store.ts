/** One recorder's output in a container session, as the object stores it. */
export interface StoredPart {
  /** Stream offset of the part's container header. */
  start: number;
  /** The part's initialization segment; empty until its first media is found. */
  init: Uint8Array;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS container_parts (
    start INTEGER PRIMARY KEY,
    init BLOB NOT NULL
  );
  CREATE TABLE IF NOT EXISTS segment_prefixes (
    start INTEGER PRIMARY KEY,
    bytes INTEGER NOT NULL
  );
`;

/**
 * SQLite tables of a webm or ogg session: its parts with their
 * initialization segments, and how many prefix bytes each uploaded segment
 * object starts with.
 */
export class ContainerStore {
  constructor(private readonly sql: SqlStorage) {
    this.sql.exec(SCHEMA);
  }

  parts(): StoredPart[] {
    return this.sql
      .exec<{ start: number; init: ArrayBuffer }>(
        "SELECT start, init FROM container_parts ORDER BY start",
      )
      .toArray()
      .map((row) => ({ start: row.start, init: new Uint8Array(row.init) }));
  }

  savePart(part: StoredPart): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO container_parts (start, init) VALUES (?, ?)",
      part.start,
      part.init,
    );
  }

  /** Prefix bytes by segment start offset. */
  prefixes(): Map<number, number> {
    const rows = this.sql
      .exec<{ start: number; bytes: number }>(
        "SELECT start, bytes FROM segment_prefixes",
      )
      .toArray();
    return new Map(rows.map((row) => [row.start, row.bytes]));
  }

  savePrefix(segmentStart: number, bytes: number): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO segment_prefixes (start, bytes) VALUES (?, ?)",
      segmentStart,
      bytes,
    );
  }
}
