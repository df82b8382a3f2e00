import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { registryForSession } from "../../src/registry/shards.ts";
import { adminHeaders, errorCode } from "./helpers/auth.ts";
import { passTheClock, seedObjects } from "./helpers/bulk-seed.ts";
import { listKeys } from "./helpers/seed.ts";

async function cleanup(body: string): Promise<Response> {
  return exports.default.fetch("http://audio.test/api/audio-storage/cleanup", {
    method: "POST",
    headers: { ...adminHeaders(), "content-type": "application/json" },
    body,
  });
}

it("cleanup deletes old recordings but not live ones", async () => {
  await seedObjects("ivy", 3, 4);
  await registryForSession(env, "rec-001").report({
    userId: "ivy",
    sessionId: "rec-001",
    state: "streaming",
    received: 0,
    journaled: 0,
    uploaded: 0,
    memoryBytes: 0,
    uploadSuccesses: 0,
    uploadFailures: 0,
    consecutiveFailures: 0,
    lastUploadMs: 0,
    lastError: "",
    reportedAt: Date.now(),
  });
  await passTheClock();

  const kept = await cleanup('{"maxAgeDays": 1}');
  expect(kept.status).toBe(200);
  expect(await kept.json()).toMatchObject({
    deletedObjects: 0,
    keptRecordings: 2,
    skippedLive: 1,
    complete: true,
  });

  const response = await cleanup('{"maxAgeDays": 0}');
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({
    maxAgeDays: 0,
    deletedObjects: 8,
    deletedRecordings: 2,
    skippedLive: 1,
    complete: true,
    cursor: null,
  });
  expect(await listKeys("audio-sessions/ivy/")).toEqual([
    "audio-sessions/ivy/rec-001/manifest.json",
    "audio-sessions/ivy/rec-001/segments/000000000000000.pcm",
    "audio-sessions/ivy/rec-001/segments/000000000000100.pcm",
    "audio-sessions/ivy/rec-001/segments/000000000000200.pcm",
  ]);
});

it("cleanup continues from a cursor", async () => {
  await seedObjects("jack", 2, 3);
  await passTheClock();
  const response = await cleanup(
    JSON.stringify({
      maxAgeDays: 0,
      cursor: "audio-sessions/jack/rec-000/segments/000000000000100.pcm",
    }),
  );
  expect(response.status).toBe(200);
  expect((await listKeys("audio-sessions/jack/rec-000/")).length).toBe(3);
  expect(await listKeys("audio-sessions/jack/rec-001/")).toEqual([]);
});

it("cleanup rejects bad bodies", async () => {
  const cases: [string, string, number, string][] = [
    ["not JSON", "maxAgeDays=7", 400, "invalid_json"],
    ["empty", "", 400, "invalid_json"],
    ["array", "[7]", 400, "invalid_body"],
    ["null", "null", 400, "invalid_body"],
    ["missing field", "{}", 400, "invalid_max_age"],
    ["string", '{"maxAgeDays": "7"}', 400, "invalid_max_age"],
    ["negative", '{"maxAgeDays": -1}', 400, "invalid_max_age"],
    ["too large", '{"maxAgeDays": 1e9}', 400, "invalid_max_age"],
    ["bad cursor", '{"maxAgeDays": 1, "cursor": 5}', 400, "invalid_cursor"],
    [
      "huge body",
      JSON.stringify({ maxAgeDays: 1, pad: "x".repeat(5_000) }),
      413,
      "payload_too_large",
    ],
  ];
  for (const [name, body, status, code] of cases) {
    const response = await cleanup(body);
    expect(response.status, name).toBe(status);
    expect(await errorCode(response), name).toBe(code);
  }
});
