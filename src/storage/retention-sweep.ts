import { log } from "../log.ts";
import { MAX_KEYS_PER_DELETE, MAX_KEYS_PER_LIST } from "./delete-batches.ts";
import { ROOT_PREFIX } from "./keys.ts";

/** Deleted recordings logged one by one per run; the rest are counted. */
const LOGGED_RECORDINGS_PER_RUN = 100;

export interface SweepOptions {
  /** Recordings whose newest object was uploaded before this are expired, in ms since the epoch. */
  cutoffMs: number;
  /** `userId/sessionId` of live sessions, which are never deleted. */
  live: Set<string>;
  /** Resume after this key; the previous run returned it as `nextStartAfter`. */
  startAfter?: string | null;
  /** Keys to list before stopping at the next recording boundary. */
  maxKeys: number;
  /** Why the sweep runs, for the logs: "retention" or "cleanup". */
  reason: string;
}

export interface SweepResult {
  scannedObjects: number;
  deletedObjects: number;
  deletedRecordings: number;
  keptRecordings: number;
  skippedLive: number;
  deleteCalls: number;
  /** True when the listing reached the end of the bucket. */
  complete: boolean;
  /** Where the next run resumes; null when `complete`. */
  nextStartAfter: string | null;
}

/** All objects of one recording, which sort next to each other in a listing. */
interface Group {
  prefix: string;
  keys: string[];
  newestMs: number;
}

/**
 * The recording a key belongs to: `audio-sessions/{user}/{session}/`. A key
 * outside that layout is its own group.
 */
export function recordingPrefix(key: string): string {
  const parts = key.slice(ROOT_PREFIX.length).split("/");
  if (parts.length < 3) return key;
  return `${ROOT_PREFIX}${parts[0]}/${parts[1]}/`;
}

function sessionKey(prefix: string): string {
  return prefix.slice(ROOT_PREFIX.length).replace(/\/$/, "");
}

/**
 * Deletes recordings whose newest object is older than the cutoff. It lists
 * `audio-sessions/` in key order and follows cursors page by page, so all
 * objects of a recording arrive together, even across pages. A recording
 * is judged once its last object is listed, live sessions are skipped, and
 * deletes go out in calls of at most 1,000 keys. After `maxKeys` listed
 * keys it stops at the next recording boundary and returns where to resume.
 */
export async function sweepExpired(
  bucket: R2Bucket,
  options: SweepOptions,
): Promise<SweepResult> {
  const sweep = new Sweep(bucket, options);
  await sweep.run();
  return sweep.result;
}

class Sweep {
  readonly result: SweepResult = {
    scannedObjects: 0,
    deletedObjects: 0,
    deletedRecordings: 0,
    keptRecordings: 0,
    skippedLive: 0,
    deleteCalls: 0,
    complete: false,
    nextStartAfter: null,
  };
  private pending: string[] = [];
  private group: Group | null = null;
  private lastJudgedKey: string | null;

  constructor(
    private readonly bucket: R2Bucket,
    private readonly options: SweepOptions,
  ) {
    this.lastJudgedKey = options.startAfter ?? null;
  }

  async run(): Promise<void> {
    let cursor: string | undefined;
    const startAfter = this.options.startAfter ?? undefined;
    for (;;) {
      const page = await this.bucket.list({
        prefix: ROOT_PREFIX,
        limit: MAX_KEYS_PER_LIST,
        ...(cursor ? { cursor } : { startAfter }),
      });
      for (const object of page.objects) {
        if (!(await this.add(object))) return this.stop();
      }
      if (!page.truncated) break;
      cursor = page.cursor;
    }
    await this.judge();
    await this.flush(true);
    this.result.complete = true;
    this.summarize();
  }

  /** Adds one listed object; returns false to stop before a new recording. */
  private async add(object: R2Object): Promise<boolean> {
    const prefix = recordingPrefix(object.key);
    if (this.group && this.group.prefix !== prefix) {
      await this.judge();
      if (this.result.scannedObjects >= this.options.maxKeys) return false;
    }
    this.group ??= { prefix, keys: [], newestMs: 0 };
    this.group.keys.push(object.key);
    this.group.newestMs = Math.max(
      this.group.newestMs,
      object.uploaded.getTime(),
    );
    this.result.scannedObjects++;
    return true;
  }

  private async judge(): Promise<void> {
    const group = this.group;
    if (!group) return;
    this.group = null;
    this.lastJudgedKey =
      group.keys[group.keys.length - 1] ?? this.lastJudgedKey;

    if (this.options.live.has(sessionKey(group.prefix))) {
      this.result.skippedLive++;
      return;
    }
    if (group.newestMs >= this.options.cutoffMs) {
      this.result.keptRecordings++;
      return;
    }
    this.pending.push(...group.keys);
    this.result.deletedRecordings++;
    this.logDeleted(group);
    await this.flush(false);
  }

  /** Sends full batches, or everything left when `all`. */
  private async flush(all: boolean): Promise<void> {
    while (
      this.pending.length >= MAX_KEYS_PER_DELETE ||
      (all && this.pending.length > 0)
    ) {
      const batch = this.pending.splice(0, MAX_KEYS_PER_DELETE);
      await this.bucket.delete(batch);
      this.result.deleteCalls++;
      this.result.deletedObjects += batch.length;
    }
  }

  private async stop(): Promise<void> {
    await this.flush(true);
    this.result.nextStartAfter = this.lastJudgedKey;
    this.summarize();
  }

  private logDeleted(group: Group): void {
    if (this.result.deletedRecordings > LOGGED_RECORDINGS_PER_RUN) return;
    log.info("recording_deleted", {
      reason: this.options.reason,
      recording: sessionKey(group.prefix),
      objects: group.keys.length,
      lastUploadAt: new Date(group.newestMs).toISOString(),
    });
  }

  private summarize(): void {
    const unlogged = Math.max(
      0,
      this.result.deletedRecordings - LOGGED_RECORDINGS_PER_RUN,
    );
    log.info("sweep_finished", {
      reason: this.options.reason,
      cutoff: new Date(this.options.cutoffMs).toISOString(),
      ...this.result,
      recordingsDeletedWithoutLogLine: unlogged,
    });
  }
}
