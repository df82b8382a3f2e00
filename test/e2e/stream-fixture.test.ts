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

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer();
});

afterAll(async () => {
  await server?.stop();
});

it("streams a speech fixture and downloads it byte for byte", async () => {
  const sessionId = `jfk-${Date.now()}`;
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
  });

  expect(result.sent.length).toBe(352_000);
  expect(result.downloadedData.length).toBe(result.sent.length);
  expect(result.identical).toBe(true);
});
