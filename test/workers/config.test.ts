import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.ts";
import type { Env } from "../../src/env.ts";
import worker from "../../src/index.ts";

const base = {} as Env;

describe("parseConfig", () => {
  it("uses documented defaults", () => {
    const config = parseConfig(base);
    expect(config.windowMs).toBe(120_000);
    expect(config.uploadIntervalMs).toBe(60_000);
    expect(config.maxMemoryBytes).toBe(16 * 1024 * 1024);
    expect(config.journalIntervalMs).toBe(2_000);
    expect(config.debug).toBe(false);
  });

  it.each([
    [
      "AUDIO_STORAGE_WINDOW_MS",
      "abc",
      /AUDIO_STORAGE_WINDOW_MS="abc" is invalid: expected an integer from 1000 to 600000/,
    ],
    ["AUDIO_STORAGE_WINDOW_MS", "999", /from 1000 to 600000/],
    [
      "AUDIO_STORAGE_UPLOAD_INTERVAL_MS",
      "1.5",
      /AUDIO_STORAGE_UPLOAD_INTERVAL_MS="1.5"/,
    ],
    [
      "AUDIO_STORAGE_MAX_MEMORY_MB",
      "0",
      /AUDIO_STORAGE_MAX_MEMORY_MB="0" is invalid: expected an integer from 1 to 96/,
    ],
    ["AUDIO_STORAGE_JOURNAL_INTERVAL_MS", "-5", /from 0 to 60000/],
    [
      "AUDIO_STORAGE_DEBUG",
      "maybe",
      /AUDIO_STORAGE_DEBUG="maybe" is invalid: expected true or false/,
    ],
    [
      "AUDIO_STORAGE_FAULT_PUT_FAILURE_RATE",
      "2",
      /expected a number from 0 to 1/,
    ],
  ])("rejects %s=%s", (name, value, message) => {
    expect(() => parseConfig({ ...base, [name]: value })).toThrow(message);
  });

  it("accepts valid overrides", () => {
    const config = parseConfig({
      ...base,
      AUDIO_STORAGE_WINDOW_MS: "30000",
      AUDIO_STORAGE_DEBUG: "true",
      AUDIO_STORAGE_FAULT_PUT_FAILURE_RATE: "0.3",
    });
    expect(config.windowMs).toBe(30_000);
    expect(config.debug).toBe(true);
    expect(config.faultPutFailureRate).toBe(0.3);
  });
});

it("Worker answers 500 naming the invalid variable", async () => {
  const badEnv = { ...env, AUDIO_STORAGE_WINDOW_MS: "ten" } as Env;
  const response = await worker.fetch(
    new Request("http://x/healthz"),
    badEnv,
    createExecutionContext(),
  );
  expect(response.status).toBe(500);
  const body = (await response.json()) as {
    error: { code: string; message: string };
  };
  expect(body.error.code).toBe("config_invalid");
  expect(body.error.message).toContain('AUDIO_STORAGE_WINDOW_MS="ten"');
});
