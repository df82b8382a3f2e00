import type { Env } from "./env.ts";

/** Settings read from the AUDIO_STORAGE_* environment variables. */
export interface Config {
  /** Length of the in-memory sliding window, in milliseconds. */
  windowMs: number;
  /** Time between alarm uploads to R2, in milliseconds. */
  uploadIntervalMs: number;
  /** Un-uploaded audio held in memory that triggers an immediate upload. */
  maxMemoryBytes: number;
  /** Time between journal writes to SQLite, in milliseconds; 0 is off. */
  journalIntervalMs: number;
  /** Un-uploaded audio a session may hold before it rejects more, in bytes. */
  maxPendingBytes: number;
  /** Largest binary frame accepted, in bytes. */
  maxFrameBytes: number;
  /** Maximum session length, in seconds of audio. */
  maxSessionSeconds: number;
  /** Log per-upload detail when true. */
  debug: boolean;
  /** Share of R2 puts the fault-injection wrapper fails, 0 to 1. */
  faultPutFailureRate: number;
  /** Delay the fault-injection wrapper adds to puts, in milliseconds. */
  faultPutDelayMs: number;
  /** Registry shards that sessions spread their reports over. */
  registryShards: number;
  /** Age after which the hourly cron deletes a recording, in days. */
  retentionDays: number;
  /** Most stored keys one retention run lists before it stops until the next. */
  retentionMaxKeysPerRun: number;
  /** Silence after which the registry marks a live session stale, in ms. */
  staleAfterMs: number;
  /** Memory one session may use before the registry alerts, in bytes. */
  memoryBudgetBytes: number;
  /** Live sessions one user may hold at once. */
  maxSessionsPerUser: number;
  /** Origins whose browser pages may open stream sockets, lowercase. */
  allowedOrigins: string[];
  /** Permits the well-known development secrets; never set in production. */
  devMode: boolean;
}

/** Raised for a variable whose value is outside its allowed range. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const MIB = 1024 * 1024;

interface IntegerRule {
  name: keyof Env & string;
  fallback: number;
  min: number;
  max: number;
}

function readNumber(env: Env, rule: IntegerRule, integer = true): number {
  const raw = env[rule.name];
  if (raw === undefined || raw === "") return rule.fallback;

  const text = String(raw).trim();
  const value = Number(text);
  const valid =
    text !== "" &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    value >= rule.min &&
    value <= rule.max;
  if (!valid) {
    const kind = integer ? "an integer" : "a number";
    throw new ConfigError(
      `${rule.name}=${JSON.stringify(raw)} is invalid: expected ${kind} from ${rule.min} to ${rule.max}`,
    );
  }
  return value;
}

function readBoolean(env: Env, name: keyof Env & string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return false;

  const text = String(raw).trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(text)) return true;
  if (["false", "0", "no", "off"].includes(text)) return false;
  throw new ConfigError(
    `${name}=${JSON.stringify(raw)} is invalid: expected true or false`,
  );
}

/**
 * Reads a comma-separated list of origins such as `https://app.example.com`.
 * Each entry must be a bare origin: scheme, host and optional port.
 */
function readOrigins(env: Env, name: keyof Env & string): string[] {
  const raw = env[name];
  if (raw === undefined || String(raw).trim() === "") return [];

  const origins: string[] = [];
  for (const entry of String(raw).split(",")) {
    const text = entry.trim();
    if (text === "") continue;
    let origin: string | null = null;
    try {
      origin = new URL(text).origin;
    } catch {
      origin = null;
    }
    if (origin === null || origin === "null" || origin !== text.toLowerCase()) {
      throw new ConfigError(
        `${name} entry ${JSON.stringify(text)} is invalid: expected an origin such as https://app.example.com, without a path or trailing slash`,
      );
    }
    origins.push(origin);
  }
  return origins;
}

/** Parses and validates every setting; throws ConfigError naming the first bad one. */
export function parseConfig(env: Env): Config {
  const config: Config = {
    windowMs: readNumber(env, {
      name: "AUDIO_STORAGE_WINDOW_MS",
      fallback: 120_000,
      min: 1_000,
      max: 600_000,
    }),
    uploadIntervalMs: readNumber(env, {
      name: "AUDIO_STORAGE_UPLOAD_INTERVAL_MS",
      fallback: 60_000,
      min: 1_000,
      max: 3_600_000,
    }),
    maxMemoryBytes:
      readNumber(env, {
        name: "AUDIO_STORAGE_MAX_MEMORY_MB",
        fallback: 16,
        min: 1,
        max: 96,
      }) * MIB,
    journalIntervalMs: readNumber(env, {
      name: "AUDIO_STORAGE_JOURNAL_INTERVAL_MS",
      fallback: 2_000,
      min: 0,
      max: 60_000,
    }),
    maxPendingBytes:
      readNumber(env, {
        name: "AUDIO_STORAGE_MAX_PENDING_MB",
        fallback: 256,
        min: 1,
        max: 8_192,
      }) * MIB,
    maxFrameBytes: readNumber(env, {
      name: "AUDIO_STORAGE_MAX_FRAME_BYTES",
      fallback: 65_536,
      min: 256,
      max: 1_048_576,
    }),
    maxSessionSeconds: readNumber(env, {
      name: "AUDIO_STORAGE_MAX_SESSION_SECONDS",
      fallback: 14_400,
      min: 1,
      max: 86_400,
    }),
    debug: readBoolean(env, "AUDIO_STORAGE_DEBUG"),
    faultPutFailureRate: readNumber(
      env,
      {
        name: "AUDIO_STORAGE_FAULT_PUT_FAILURE_RATE",
        fallback: 0,
        min: 0,
        max: 1,
      },
      false,
    ),
    faultPutDelayMs: readNumber(env, {
      name: "AUDIO_STORAGE_FAULT_PUT_DELAY_MS",
      fallback: 0,
      min: 0,
      max: 60_000,
    }),
    registryShards: readNumber(env, {
      name: "AUDIO_STORAGE_REGISTRY_SHARDS",
      fallback: 1,
      min: 1,
      max: 256,
    }),
    retentionDays: readNumber(env, {
      name: "AUDIO_STORAGE_RETENTION_DAYS",
      fallback: 7,
      min: 1,
      max: 36_500,
    }),
    retentionMaxKeysPerRun: readNumber(env, {
      name: "AUDIO_STORAGE_RETENTION_MAX_KEYS_PER_RUN",
      fallback: 50_000,
      min: 1_000,
      max: 1_000_000,
    }),
    staleAfterMs: readNumber(env, {
      name: "AUDIO_STORAGE_STALE_AFTER_MS",
      fallback: 300_000,
      min: 10_000,
      max: 86_400_000,
    }),
    memoryBudgetBytes:
      readNumber(env, {
        name: "AUDIO_STORAGE_MEMORY_BUDGET_MB",
        fallback: 128,
        min: 1,
        max: 1_024,
      }) * MIB,
    maxSessionsPerUser: readNumber(env, {
      name: "AUDIO_STORAGE_MAX_SESSIONS_PER_USER",
      fallback: 10,
      min: 1,
      max: 10_000,
    }),
    allowedOrigins: readOrigins(env, "AUDIO_STORAGE_ALLOWED_ORIGINS"),
    devMode: readBoolean(env, "AUDIO_STORAGE_DEV_MODE"),
  };
  return config;
}

const cache = new WeakMap<Env, Config>();

/** Returns the parsed settings, parsing once per env object. */
export function configFor(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env);
    cache.set(env, config);
  }
  return config;
}
