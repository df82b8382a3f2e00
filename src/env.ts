import type { AudioSession } from "../durable-objects/audio-session.ts";
import type { SessionRegistry } from "../durable-objects/session-registry.ts";
import type { UserSessions } from "../durable-objects/user-sessions.ts";

/** Bindings and variables declared in wrangler.toml, plus the secrets. */
export interface Env {
  AUDIO_SESSION: DurableObjectNamespace<AudioSession>;
  SESSION_REGISTRY: DurableObjectNamespace<SessionRegistry>;
  USER_SESSIONS: DurableObjectNamespace<UserSessions>;
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
  AUDIO_STORAGE_REGISTRY_SHARDS?: string;
  AUDIO_STORAGE_RETENTION_DAYS?: string;
  AUDIO_STORAGE_RETENTION_MAX_KEYS_PER_RUN?: string;
  AUDIO_STORAGE_STALE_AFTER_MS?: string;
  AUDIO_STORAGE_MEMORY_BUDGET_MB?: string;
  AUDIO_STORAGE_MAX_SESSIONS_PER_USER?: string;
  AUDIO_STORAGE_ALLOWED_ORIGINS?: string;
  /** Set only in .dev.vars or with `wrangler dev --var`, never in [vars]. */
  AUDIO_STORAGE_DEV_MODE?: string;
  /** Secret: bearer token of the admin API (`wrangler secret put`). */
  ADMIN_TOKEN?: string;
  /** Secret: HMAC key that signs user tokens (`wrangler secret put`). */
  AUDIO_STORAGE_TOKEN_SECRET?: string;
}
