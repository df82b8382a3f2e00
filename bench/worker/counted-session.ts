import { AudioSession } from "../../durable-objects/audio-session.ts";
import type { Env } from "../../src/env.ts";
import {
  countingBucket,
  countingNamespace,
  countStorage,
} from "./counting-bindings.ts";
import { emptyCounts, type StorageCounts } from "./storage-counts.ts";

/**
 * The production session object with counting wrappers on its bindings, so
 * the bench reads the storage operations the code really makes. Counts live
 * in memory: they are read before the object can hibernate or be evicted.
 */
export class CountedAudioSession extends AudioSession {
  private readonly counts: StorageCounts;

  constructor(ctx: DurableObjectState, env: Env) {
    const counts = emptyCounts();
    countStorage(ctx, counts);
    super(ctx, {
      ...env,
      AUDIO_BUCKET: countingBucket(env.AUDIO_BUCKET, counts),
      SESSION_REGISTRY: countingNamespace(env.SESSION_REGISTRY, counts),
    });
    this.counts = counts;
  }

  override async webSocketMessage(
    ws: WebSocket,
    message: string | ArrayBuffer,
  ) {
    this.counts.webSocketMessages++;
    return super.webSocketMessage(ws, message);
  }

  override async alarm() {
    this.counts.alarms++;
    return super.alarm();
  }

  /** Returns a copy of the counts so far. */
  benchCounts(): StorageCounts {
    return { ...this.counts };
  }
}
