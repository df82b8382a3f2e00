import { exports } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import type { RecordingPage } from "../../src/admin/list-recordings.ts";
import { adminHeaders, errorCode } from "./helpers/auth.ts";
import { BAD_ID_SEGMENTS } from "./helpers/bad-ids.ts";
import { seedRecording } from "./helpers/seed.ts";

beforeAll(async () => {
  for (let i = 0; i < 5; i++)
    await seedRecording("lister", `rec-${i}`, { segments: i + 1 });
  // A user whose id extends another's must never show up in its listing.
  await seedRecording("lister2", "foreign");
});

async function list(path: string): Promise<Response> {
  return exports.default.fetch(
    `http://audio.test/api/audio-storage/files/${path}`,
    { headers: adminHeaders() },
  );
}

it("files lists a user's recordings with figures", async () => {
  const response = await list("lister");
  expect(response.status).toBe(200);
  const page = (await response.json()) as RecordingPage;
  expect(page.userId).toBe("lister");
  expect(page.cursor).toBeNull();
  expect(page.recordings.map((r) => r.sessionId)).toEqual([
    "rec-0",
    "rec-1",
    "rec-2",
    "rec-3",
    "rec-4",
  ]);
  const third = page.recordings[2]!;
  expect(third.path).toBe("lister/rec-2.wav");
  expect(third.format).toBe("wav");
  expect(third.audioFormat).toEqual({
    encoding: "pcm_s16le",
    sampleRate: 16_000,
    channels: 1,
  });
  expect(third.sizeBytes).toBe(44 + 3 * 3_200);
  expect(third.durationSeconds).toBeCloseTo((3 * 3_200) / 32_000);
  expect(third.segments).toBe(3);
  expect(third.complete).toBe(true);
  expect(Number.isNaN(Date.parse(third.createdAt!))).toBe(false);
});

it("files pages through a cursor", async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const response = await list(`lister?limit=2${query}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as RecordingPage;
    expect(page.recordings.length).toBeLessThanOrEqual(2);
    seen.push(...page.recordings.map((r) => r.sessionId));
    cursor = page.cursor;
    pages++;
  } while (cursor && pages < 10);
  expect(pages).toBe(3);
  expect(seen).toEqual(["rec-0", "rec-1", "rec-2", "rec-3", "rec-4"]);
});

it("files of an unknown user is an empty list", async () => {
  const response = await list("nobody");
  expect(response.status).toBe(200);
  expect(((await response.json()) as RecordingPage).recordings).toEqual([]);
});

it("files rejects bad input", async () => {
  for (const [name, segment] of BAD_ID_SEGMENTS) {
    const response = await list(segment);
    expect(response.status, name).toBe(400);
    expect(await errorCode(response), name).toBe("invalid_path");
  }
  for (const query of [
    "limit=0",
    "limit=1001",
    "limit=abc",
    "limit=1.5",
    "cursor=",
    `cursor=${"c".repeat(1_025)}`,
  ]) {
    const response = await list(`lister?${query}`);
    expect(response.status, query).toBe(400);
  }
  for (const path of ["lister/rec-0", "", "lister/"]) {
    const response = await list(path);
    expect(response.status, path).toBe(400);
  }
});
