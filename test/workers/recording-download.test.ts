import { exports } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { parseWav } from "../../src/audio/wav.ts";
import { errorCode, userToken } from "./helpers/auth.ts";
import { BAD_ID_SEGMENTS } from "./helpers/bad-ids.ts";
import { seedRecording } from "./helpers/seed.ts";

let audio: Uint8Array;

beforeAll(async () => {
  ({ audio } = await seedRecording("alice", "talk"));
  await seedRecording("bob", "talk");
});

async function download(path: string, token?: string): Promise<Response> {
  const headers: HeadersInit = token
    ? { authorization: `Bearer ${token}` }
    : {};
  return exports.default.fetch(`http://audio.test/v1/recordings/${path}`, {
    headers,
  });
}

it("download returns the user's own recording", async () => {
  for (const token of [
    await userToken("alice"),
    await userToken("alice", "talk"),
  ]) {
    const response = await download("alice/talk.wav", token);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("audio/wav");
    const file = new Uint8Array(await response.arrayBuffer());
    const wav = parseWav(file);
    expect(
      file.subarray(wav.dataOffset, wav.dataOffset + wav.dataBytes),
    ).toEqual(audio);
  }
});

it("download accepts the token as query parameter", async () => {
  const response = await download(
    `alice/talk.wav?token=${await userToken("alice")}`,
  );
  expect(response.status).toBe(200);
  await response.arrayBuffer();
});

it("download of a missing recording is 404", async () => {
  const response = await download(
    "alice/nothing.wav",
    await userToken("alice"),
  );
  expect(response.status).toBe(404);
  expect(await errorCode(response)).toBe("not_found");
});

it("download needs a valid token", async () => {
  const cases: [string, string | undefined][] = [
    ["missing", undefined],
    ["garbage", "abc.def"],
    ["expired", await userToken("alice", "talk", { ttlSeconds: -5 })],
    [
      "wrong secret",
      await userToken("alice", "talk", {
        secret: "not-the-secret-0123456789abcdef012",
      }),
    ],
  ];
  for (const [name, token] of cases) {
    const response = await download("alice/talk.wav", token);
    expect(response.status, name).toBe(401);
  }
});

it("download refuses another user's recording", async () => {
  const bob = await download("alice/talk.wav", await userToken("bob"));
  expect(bob.status).toBe(403);
  expect(await errorCode(bob)).toBe("forbidden");
  const otherSession = await download(
    "alice/talk.wav",
    await userToken("alice", "other"),
  );
  expect(otherSession.status).toBe(403);
  // A literal `..` is resolved by the URL parser, so this names bob's file.
  const resolved = await download(
    "alice/../bob/talk.wav",
    await userToken("alice"),
  );
  expect(resolved.status).toBe(403);
});

it("download rejects bad paths", async () => {
  const token = await userToken("alice");
  for (const [name, segment] of BAD_ID_SEGMENTS) {
    for (const path of [`${segment}/talk.wav`, `alice/${segment}.wav`]) {
      const response = await download(path, token);
      expect(response.status, `${name}: ${path}`).toBe(400);
      expect(await errorCode(response), name).toBe("invalid_path");
    }
  }
  for (const path of [
    "alice/talk",
    "alice/talk.wav/extra",
    "alice//talk.wav",
    "alice",
    "alice/.wav",
  ]) {
    const response = await download(path, token);
    expect(response.status, path).toBe(400);
  }
});
