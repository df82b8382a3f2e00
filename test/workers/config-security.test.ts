import { expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config.ts";
import type { Env } from "../../src/env.ts";

const base = {} as Env;

it("config reads the admin and retention settings", () => {
  const config = parseConfig({
    ...base,
    AUDIO_STORAGE_REGISTRY_SHARDS: "8",
    AUDIO_STORAGE_RETENTION_DAYS: "30",
    AUDIO_STORAGE_STALE_AFTER_MS: "60000",
    AUDIO_STORAGE_MEMORY_BUDGET_MB: "64",
    AUDIO_STORAGE_MAX_SESSIONS_PER_USER: "3",
    AUDIO_STORAGE_ALLOWED_ORIGINS:
      "https://app.example.com, HTTP://LOCALHOST:5173",
    AUDIO_STORAGE_DEV_MODE: "true",
  });
  expect(config.registryShards).toBe(8);
  expect(config.retentionDays).toBe(30);
  expect(config.staleAfterMs).toBe(60_000);
  expect(config.memoryBudgetBytes).toBe(64 * 1024 * 1024);
  expect(config.maxSessionsPerUser).toBe(3);
  expect(config.allowedOrigins).toEqual([
    "https://app.example.com",
    "http://localhost:5173",
  ]);
  expect(config.devMode).toBe(true);
});

it("config defaults keep development mode off", () => {
  const config = parseConfig(base);
  expect(config.registryShards).toBe(1);
  expect(config.retentionDays).toBe(7);
  expect(config.allowedOrigins).toEqual([]);
  expect(config.devMode).toBe(false);
});

it("config rejects bad security settings", () => {
  const bad: Partial<Env>[] = [
    { AUDIO_STORAGE_REGISTRY_SHARDS: "0" },
    { AUDIO_STORAGE_REGISTRY_SHARDS: "1.5" },
    { AUDIO_STORAGE_RETENTION_DAYS: "0" },
    { AUDIO_STORAGE_STALE_AFTER_MS: "5" },
    { AUDIO_STORAGE_MAX_SESSIONS_PER_USER: "-1" },
    { AUDIO_STORAGE_ALLOWED_ORIGINS: "*" },
    { AUDIO_STORAGE_ALLOWED_ORIGINS: "https://app.example.com/" },
    { AUDIO_STORAGE_ALLOWED_ORIGINS: "https://app.example.com/path" },
    { AUDIO_STORAGE_ALLOWED_ORIGINS: "app.example.com" },
    { AUDIO_STORAGE_DEV_MODE: "maybe" },
  ];
  for (const vars of bad) {
    expect(
      () => parseConfig({ ...base, ...vars }),
      JSON.stringify(vars),
    ).toThrow(ConfigError);
  }
});
