import { exports } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { parseWav } from "../../src/audio/wav.ts";
import { adminHeaders, errorCode } from "./helpers/auth.ts";
import { BAD_ID_SEGMENTS } from "./helpers/bad-ids.ts";
import { seedRecording } from "./helpers/seed.ts";

let audio: Uint8Array;

beforeAll(async () => {
  ({ audio } = await seedRecording("carol", "meeting", { segments: 3 }));
});

async function download(path: string): Promise<Response> {
  return exports.default.fetch(
    `http://audio.test/api/audio-storage/download/${path}`,
    {
      headers: adminHeaders(),
    },
  );
}

it("download assembles any user's recording", async () => {
  for (const path of ["carol/meeting.wav", "carol/meeting"]) {
    const response = await download(path);
    expect(response.status, path).toBe(200);
    expect(response.headers.get("content-type")).toBe("audio/wav");
    const file = new Uint8Array(await response.arrayBuffer());
    const wav = parseWav(file);
    expect(
      file.subarray(wav.dataOffset, wav.dataOffset + wav.dataBytes),
    ).toEqual(audio);
  }
});

it("download returns one stored object", async () => {
  const manifest = await download("carol/meeting/manifest.json");
  expect(manifest.status).toBe(200);
  expect(manifest.headers.get("content-type")).toBe("application/json");
  expect(((await manifest.json()) as { sessionId: string }).sessionId).toBe(
    "meeting",
  );

  const segment = await download("carol/meeting/segments/000000000003200.pcm");
  expect(segment.status).toBe(200);
  expect(segment.headers.get("content-length")).toBe("3200");
  expect(new Uint8Array(await segment.arrayBuffer())).toEqual(
    audio.subarray(3_200, 6_400),
  );
});

it("download of missing files is 404", async () => {
  for (const path of [
    "carol/none.wav",
    "dave/meeting.wav",
    "carol/meeting/segments/000000000000001.pcm",
    "carol/meeting/other.json",
  ]) {
    const response = await download(path);
    expect(response.status, path).toBe(404);
    expect(await errorCode(response)).toBe("not_found");
  }
});

it("download rejects bad paths", async () => {
  for (const [name, segment] of BAD_ID_SEGMENTS) {
    for (const path of [
      `${segment}/meeting.wav`,
      `carol/${segment}.wav`,
      `carol/meeting/${segment}`,
    ]) {
      const response = await download(path);
      expect(response.status, `${name}: ${path}`).toBe(400);
      expect(await errorCode(response)).toBe("invalid_path");
    }
  }
  for (const path of [
    "carol",
    "",
    "carol/meeting/segments/x/y.pcm",
    "carol//meeting.wav",
  ]) {
    const response = await download(path);
    expect(response.status, path).toBe(400);
  }
  // Dot segments resolve before routing, so they can never climb out of the route.
  const climbed = await download("carol/../../../stats");
  expect(climbed.status).not.toBe(200);
});
