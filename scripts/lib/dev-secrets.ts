import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

/** Secrets and flags a local `wrangler dev` runs with. */
export interface DevSecrets {
  adminToken: string;
  tokenSecret: string;
  /** `--var` pairs that give `wrangler dev` these secrets. */
  vars: Record<string, string>;
}

/** Parses KEY=VALUE lines; `#` starts a comment line. */
export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const at = trimmed.indexOf("=");
    if (at <= 0) continue;
    const value = trimmed.slice(at + 1).trim();
    values[trimmed.slice(0, at).trim()] = value.replace(/^"(.*)"$/, "$1");
  }
  return values;
}

/**
 * Reads the development secrets from .dev.vars, or from the committed
 * .dev.vars.example when .dev.vars does not exist.
 */
export function loadDevSecrets(): DevSecrets {
  const own = join(ROOT, ".dev.vars");
  const file = existsSync(own) ? own : join(ROOT, ".dev.vars.example");
  const values = parseDotenv(readFileSync(file, "utf8"));
  const adminToken = values.ADMIN_TOKEN;
  const tokenSecret = values.AUDIO_STORAGE_TOKEN_SECRET;
  if (!adminToken || !tokenSecret) {
    throw new Error(
      `${file} must set ADMIN_TOKEN and AUDIO_STORAGE_TOKEN_SECRET; copy .dev.vars.example`,
    );
  }
  return {
    adminToken,
    tokenSecret,
    vars: {
      AUDIO_STORAGE_DEV_MODE: values.AUDIO_STORAGE_DEV_MODE ?? "false",
      ADMIN_TOKEN: adminToken,
      AUDIO_STORAGE_TOKEN_SECRET: tokenSecret,
    },
  };
}
