import { configFor } from "../config.ts";
import type { Env } from "../env.ts";
import { jsonError } from "../http/responses.ts";
import { log } from "../log.ts";

/** Secrets the service reads; each is set with `wrangler secret put NAME`. */
export type SecretName = "ADMIN_TOKEN" | "AUDIO_STORAGE_TOKEN_SECRET";

/**
 * Prefix of the published development secrets in .dev.vars.example. A value
 * with this prefix works only while AUDIO_STORAGE_DEV_MODE is true, so a
 * copied development file cannot open a production deployment.
 */
export const DEV_SECRET_PREFIX = "insecure-dev-";

/** Shortest secret accepted, in characters. */
export const MIN_SECRET_CHARS = 32;

const reported = new Set<string>();

/** Logs a secret problem once per isolate; the value itself is never logged. */
function reportOnce(name: SecretName, problem: string): void {
  const key = `${name}:${problem}`;
  if (reported.has(key)) return;
  reported.add(key);
  log.error("secret_unusable", { secret: name, problem });
}

/**
 * Returns the secret's value, or a 503 JSON response when it is missing,
 * too short, or a development value outside development mode. Callers stop
 * at the response: there is no fallback that lets a request through.
 */
export function readSecret(env: Env, name: SecretName): string | Response {
  const value = env[name];
  if (value === undefined || value === "") {
    reportOnce(name, "missing");
    return jsonError(
      503,
      "secret_missing",
      `${name} is not set: run \`wrangler secret put ${name}\`, or for local development copy .dev.vars.example to .dev.vars`,
    );
  }
  if (value.length < MIN_SECRET_CHARS) {
    reportOnce(name, "too_short");
    return jsonError(
      503,
      "secret_invalid",
      `${name} is shorter than ${MIN_SECRET_CHARS} characters: set a longer random value`,
    );
  }
  if (value.startsWith(DEV_SECRET_PREFIX) && !configFor(env).devMode) {
    reportOnce(name, "development_value");
    return jsonError(
      503,
      "secret_invalid",
      `${name} holds the published development value, which works only with AUDIO_STORAGE_DEV_MODE=true: set a random secret`,
    );
  }
  return value;
}
