import type { AudioSession } from "../durable-objects/audio-session.ts";
import type { SessionRegistry } from "../durable-objects/session-registry.ts";

/** Bindings and variables declared in wrangler.toml. */
export interface Env {
  AUDIO_SESSION: DurableObjectNamespace<AudioSession>;
  SESSION_REGISTRY: DurableObjectNamespace<SessionRegistry>;
  AUDIO_BUCKET: R2Bucket;
  AUDIO_STORAGE_WINDOW_MS?: string;
  AUDIO_STORAGE_UPLOAD_INTERVAL_MS?: string;
  AUDIO_STORAGE_MAX_MEMORY_MB?: string;
  AUDIO_STORAGE_JOURNAL_INTERVAL_MS?: string;
  AUDIO_STORAGE_MAX_PENDING_MB?: string;
  AUDIO_STORAGE_MAX_FRAME_BYTES?: string;
  AUDIO_STORAGE_MAX_SESSION_SECONDS?: string;
  AUDIO_STORAGE_DEBUG?: string;
  AUDIO_STORAGE_FAULT_PUT_FAILURE_RATE?: string;
  AUDIO_STORAGE_FAULT_PUT_DELAY_MS?: string;
}
