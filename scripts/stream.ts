// Streams a WAV file to the service at real-time pace and checks that the
// downloaded recording holds exactly the bytes sent.
//
//   npm run stream -- FILE.wav [--session ID] [--user ID] [--speed N] [--url URL] [--token T]
//
// Without --token it mints one with AUDIO_STORAGE_TOKEN_SECRET from the
// environment, else with the development secret of .dev.vars (or
// .dev.vars.example), which `npm run dev` also uses.
import { parseArgs } from "node:util";
import { loadDevSecrets } from "./lib/dev-secrets.ts";
import { mintUserToken } from "./lib/mint-token.ts";
import { progressLine } from "./lib/progress.ts";
import { streamFile } from "./lib/stream-file.ts";

const USAGE =
  "usage: npm run stream -- FILE.wav [--session ID] [--user ID] [--speed N] [--url http://127.0.0.1:8787] [--token USER_TOKEN]";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    session: { type: "string" },
    user: { type: "string", default: "demo-user" },
    speed: { type: "string", default: "1" },
    url: { type: "string", default: "http://127.0.0.1:8787" },
    token: { type: "string" },
  },
});

const file = positionals[0];
const speed = Number(values.speed);
if (!file || !Number.isFinite(speed) || speed <= 0) {
  console.error(USAGE);
  process.exit(2);
}
const sessionId = values.session ?? `demo-${Date.now()}`;
const token =
  values.token ??
  (await mintUserToken({
    secret:
      process.env.AUDIO_STORAGE_TOKEN_SECRET || loadDevSecrets().tokenSecret,
    userId: values.user,
    sessionId,
  }));

const result = await streamFile({
  baseUrl: values.url,
  file,
  userId: values.user,
  sessionId,
  token,
  speed,
  onProgress: progressLine(),
  onEvent: (event) => {
    if (event.type === "uploaded") {
      process.stderr.write(
        `\nuploaded ${event.key} [${event.start}, ${event.end})\n`,
      );
    } else if (event.type === "error" || event.type === "reconnecting") {
      process.stderr.write(`\n${JSON.stringify(event)}\n`);
    }
  },
}).catch((error: Error) => {
  console.error(`\nstream failed: ${error.message}`);
  process.exit(1);
});

process.stderr.write("\n");
console.log(
  `session ${sessionId}: sent ${result.sent.length} bytes, downloaded ${result.downloaded.length} bytes`,
);
if (result.identical) {
  console.log("downloaded audio is byte-identical to the audio sent");
} else {
  console.log("MISMATCH: downloaded audio differs from the audio sent");
  process.exit(1);
}
