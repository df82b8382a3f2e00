import { afterAll, beforeAll, expect, it } from "vitest";
import {
  startDevServer,
  type DevServer,
} from "../../scripts/lib/dev-server.ts";
import { mintUserToken } from "../../scripts/lib/mint-token.ts";
import { streamFile } from "../../scripts/lib/stream-file.ts";

const FIXTURE = new URL(
  "../../../shared/fixtures/audio/speech-en-jfk-16k-mono.wav",
  import.meta.url,
).pathname;

/** Frames (20 ms each) streamed before each drop. */
const DROP_AT_FRAMES = [100, 300];

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer();
});

afterAll(async () => {
  await server?.stop();
});

it("resumes byte for byte after drops", async () => {
  const sessionId = `drop-${Date.now()}`;
  const events: string[] = [];
  const result = await streamFile({
    baseUrl: server.url,
    file: FIXTURE,
    userId: "e2e-user",
    sessionId,
    token: await mintUserToken({
      secret: server.tokenSecret,
      userId: "e2e-user",
      sessionId,
    }),
    speed: 4,
    onEvent: (event) => events.push(event.type),
    onFrame: (index, client) => {
      // The server journals what it holds when a socket closes, so the
      // durable offset in the next `ready` is past the one the client sent.
      if (DROP_AT_FRAMES.includes(index)) client.dropConnection();
    },
  });

  expect(events.filter((type) => type === "reconnecting").length).toBe(2);
  expect(result.downloadedData.length).toBe(result.sent.length);
  expect(result.identical).toBe(true);
});
