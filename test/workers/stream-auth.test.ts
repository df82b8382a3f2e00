import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { fetchWithEnv } from "./helpers/worker.ts";
import { errorCode, userToken } from "./helpers/auth.ts";
import { BAD_ID_SEGMENTS } from "./helpers/bad-ids.ts";
import { TestStream, testAudio } from "./helpers/stream.ts";

const FORMAT = "encoding=pcm_s16le&sampleRate=16000&channels=1";
const upgrade = { upgrade: "websocket" };

function streamUrl(sessionId: string, query = FORMAT): string {
  return `http://audio.test/v1/sessions/${sessionId}/stream?${query}`;
}

async function connect(
  url: string,
  headers: Record<string, string>,
): Promise<Response> {
  return exports.default.fetch(url, { headers: { ...upgrade, ...headers } });
}

async function opened(response: Response): Promise<TestStream> {
  expect(response.status).toBe(101);
  const stream = new TestStream(response.webSocket!);
  await stream.next("ready");
  return stream;
}

it("stream accepts a token in the header", async () => {
  const token = await userToken("alice", "s-header");
  const stream = await opened(
    await connect(streamUrl("s-header"), { authorization: `Bearer ${token}` }),
  );
  const ready = await stream.next("ready");
  expect(ready.userId).toBe("alice");
  expect(ready.sessionId).toBe("s-header");
  stream.close();
});

it("stream accepts a token as subprotocol", async () => {
  const token = await userToken("alice", "s-proto");
  const response = await connect(streamUrl("s-proto"), {
    "sec-websocket-protocol": `audio-stream, bearer.${token}`,
  });
  expect(response.headers.get("sec-websocket-protocol")).toBe("audio-stream");
  const stream = await opened(response);
  expect((await stream.next("ready")).userId).toBe("alice");
  stream.close();
});

it("stream accepts a token as query parameter", async () => {
  const token = await userToken("alice", "s-query");
  const stream = await opened(
    await connect(streamUrl("s-query", `${FORMAT}&token=${token}`), {}),
  );
  expect((await stream.next("ready")).userId).toBe("alice");
  stream.close();
});

it("stream rejects missing and invalid tokens", async () => {
  const cases: [string, Record<string, string>][] = [
    ["no token", {}],
    [
      "wrong secret",
      {
        authorization: `Bearer ${await userToken("alice", "s1", { secret: "another-secret-0123456789abcdef0123" })}`,
      },
    ],
    [
      "expired",
      {
        authorization: `Bearer ${await userToken("alice", "s1", { ttlSeconds: -1 })}`,
      },
    ],
    ["garbage", { authorization: "Bearer not-a-token" }],
    ["admin token", { authorization: `Bearer ${env.ADMIN_TOKEN}` }],
    [
      "garbage subprotocol",
      { "sec-websocket-protocol": "audio-stream, bearer.xyz" },
    ],
  ];
  for (const [name, headers] of cases) {
    const response = await connect(streamUrl("s1"), headers);
    expect(response.status, name).toBe(401);
    expect(await errorCode(response), name).toBe("unauthorized");
  }
});

it("stream rejects a token for another session", async () => {
  const token = await userToken("alice", "s-other");
  const response = await connect(streamUrl("s-mine"), {
    authorization: `Bearer ${token}`,
  });
  expect(response.status).toBe(403);
  expect(await errorCode(response)).toBe("forbidden");
});

it("stream never reaches another user's session", async () => {
  const alice = await opened(
    await connect(streamUrl("shared-id"), {
      authorization: `Bearer ${await userToken("alice", "shared-id")}`,
    }),
  );
  alice.sendAudio(testAudio(6_400));
  await alice.next("ack");

  // Bob names the same session id and even alice's user id in the query.
  const bobToken = await userToken("bob", "shared-id");
  const bob = await opened(
    await connect(streamUrl("shared-id", `${FORMAT}&userId=alice`), {
      authorization: `Bearer ${bobToken}`,
    }),
  );
  const ready = await bob.next("ready");
  expect(ready.userId).toBe("bob");
  expect((ready.offsets as { received: number }).received).toBe(0);
  alice.close();
  bob.close();
});

it("stream rejects bad session ids", async () => {
  const token = await userToken("alice");
  for (const [name, segment] of BAD_ID_SEGMENTS) {
    const response = await connect(streamUrl(segment), {
      authorization: `Bearer ${token}`,
    });
    expect(response.status, name).toBe(400);
    expect(await errorCode(response), name).toBe("invalid_session_id");
  }
});

it("stream requires a WebSocket upgrade", async () => {
  const token = await userToken("alice", "s1");
  const response = await exports.default.fetch(streamUrl("s1"), {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(426);
  expect(await errorCode(response)).toBe("upgrade_required");
});

it("stream checks the browser origin", async () => {
  const token = await userToken("alice");
  const auth = { authorization: `Bearer ${token}` };
  const foreign = await connect(streamUrl("s-origin"), {
    ...auth,
    origin: "https://evil.example",
  });
  expect(foreign.status).toBe(403);
  expect(await errorCode(foreign)).toBe("origin_not_allowed");

  const same = await connect(streamUrl("s-origin"), {
    ...auth,
    origin: "http://audio.test",
  });
  (await opened(same)).close();

  const allowEnv = {
    ...env,
    AUDIO_STORAGE_ALLOWED_ORIGINS:
      "https://app.example.com, http://localhost:5173",
  };
  const request = new Request(streamUrl("s-origin"), {
    headers: { ...upgrade, ...auth, origin: "https://app.example.com" },
  });
  const allowed = await fetchWithEnv(request, allowEnv);
  (await opened(allowed)).close();
});

it("window route needs the session's token", async () => {
  const token = await userToken("alice", "s-window");
  const stream = await opened(
    await connect(streamUrl("s-window"), { authorization: `Bearer ${token}` }),
  );
  stream.sendAudio(testAudio(32_000));
  await stream.next("ack");

  const url = "http://audio.test/v1/sessions/s-window/window?seconds=1";
  const ok = await exports.default.fetch(url, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(ok.status).toBe(200);
  expect(ok.headers.get("content-type")).toBe("audio/wav");
  await ok.arrayBuffer();

  const missing = await exports.default.fetch(url);
  expect(missing.status).toBe(401);
  const other = await exports.default.fetch(url, {
    headers: { authorization: `Bearer ${await userToken("bob", "s-window")}` },
  });
  // Bob's token reaches bob's own session of that id, which contains no audio.
  expect(other.status).toBe(404);
  const wrongSession = await exports.default.fetch(url, {
    headers: { authorization: `Bearer ${await userToken("alice", "s-else")}` },
  });
  expect(wrongSession.status).toBe(403);
  stream.close();
});
