// Starts the service locally (wrangler dev with local R2 and Durable
// Objects), streams a real speech recording through it at real-time pace,
// downloads the recording and checks it byte for byte.
//
//   npm start [-- --file FILE.wav] [--speed N] [--keep]
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { freePort, startDevServer } from "./lib/dev-server.ts";
import { mintUserToken } from "./lib/mint-token.ts";
import { progressLine } from "./lib/progress.ts";
import { streamFile } from "./lib/stream-file.ts";

const ROOT = resolve(import.meta.dirname, "..");
const DEFAULT_FIXTURE = resolve(
  ROOT,
  "../shared/fixtures/audio/speech-en-jfk-16k-mono.wav",
);

const { values } = parseArgs({
  options: {
    file: { type: "string", default: DEFAULT_FIXTURE },
    speed: { type: "string", default: "1" },
    port: { type: "string", default: "8787" },
    keep: { type: "boolean", default: false },
  },
});

const speed = Number(values.speed);
const requestedPort = Number(values.port);
const port = (await isFree(requestedPort)) ? requestedPort : await freePort();

if (port !== requestedPort) {
  console.log(`port ${requestedPort} is busy, so the demo uses ${port}`);
}
console.log(`starting wrangler dev on http://127.0.0.1:${port} ...`);
// A state directory of its own: a second runtime over `npm run dev`'s
// storage would run two copies of the same Durable Objects.
const server = await startDevServer({
  port,
  persistDir: resolve(ROOT, ".wrangler/demo-state"),
});
let exitCode = 0;
try {
  const sessionId = `demo-${Date.now()}`;
  console.log(
    `streaming ${values.file} as session ${sessionId} at ${speed}x ...`,
  );
  const token = await mintUserToken({
    secret: server.tokenSecret,
    userId: "demo-user",
    sessionId,
  });
  const result = await streamFile({
    baseUrl: server.url,
    file: values.file,
    userId: "demo-user",
    sessionId,
    token,
    speed,
    onProgress: progressLine(),
  });
  process.stderr.write("\n");
  const { sent, uploaded } = result.offsets;
  console.log(
    `sent ${sent} bytes; ${uploaded} stored in R2; downloaded a ${result.downloaded.length}-byte WAV`,
  );
  if (values.keep) {
    const url = `${server.url}/v1/recordings/demo-user/${sessionId}.wav?token=${token}`;
    console.log(`recording: ${url}`);
  }
  console.log(
    result.identical
      ? "downloaded audio is byte-identical to the audio sent"
      : "MISMATCH: downloaded audio differs from the audio sent",
  );
  exitCode = result.identical ? 0 : 1;
} catch (error) {
  console.error(`streaming failed: ${(error as Error).message}`);
  exitCode = 1;
}

if (values.keep && exitCode === 0) {
  console.log(`service running on ${server.url}; press Ctrl-C to stop`);
  process.on("SIGINT", () => void server.stop().then(() => process.exit(0)));
} else {
  await server.stop();
  process.exit(exitCode);
}

async function isFree(candidate: number): Promise<boolean> {
  const { createServer } = await import("node:net");
  return new Promise((done) => {
    const probe = createServer();
    probe.once("error", () => done(false));
    probe.listen(candidate, "127.0.0.1", () => probe.close(() => done(true)));
  });
}
