// Mints a signed user token for local use and prints it on stdout.
//
//   npm run token -- --user U [--session S] [--ttl SECONDS]
//
// The signing secret comes from AUDIO_STORAGE_TOKEN_SECRET in the
// environment, else from .dev.vars, else from .dev.vars.example.
import { parseArgs } from "node:util";
import { isValidId } from "../src/storage/keys.ts";
import { loadDevSecrets } from "./lib/dev-secrets.ts";
import { DEFAULT_TOKEN_TTL_SECONDS, mintUserToken } from "./lib/mint-token.ts";

const USAGE =
  "usage: npm run token -- --user USER_ID [--session SESSION_ID] [--ttl SECONDS]";

const { values } = parseArgs({
  options: {
    user: { type: "string" },
    session: { type: "string" },
    ttl: { type: "string", default: String(DEFAULT_TOKEN_TTL_SECONDS) },
    help: { type: "boolean", short: "h" },
  },
});

const ttlSeconds = Number(values.ttl);
if (
  values.help ||
  !values.user ||
  !Number.isInteger(ttlSeconds) ||
  ttlSeconds <= 0
) {
  console.error(USAGE);
  console.error("  --user     user id the token acts as (required)");
  console.error(
    "  --session  session id the token is limited to; any session when omitted",
  );
  console.error(
    `  --ttl      lifetime in seconds (default ${DEFAULT_TOKEN_TTL_SECONDS})`,
  );
  process.exit(values.help ? 0 : 2);
}

for (const [name, id] of [
  ["--user", values.user],
  ["--session", values.session],
] as const) {
  if (id !== undefined && !isValidId(id)) {
    console.error(
      `${name} ${JSON.stringify(id)} is invalid: use 1 to 128 letters, digits, '.', '_' or '-', not starting with '.'`,
    );
    process.exit(2);
  }
}

const secret =
  process.env.AUDIO_STORAGE_TOKEN_SECRET || loadDevSecrets().tokenSecret;
const token = await mintUserToken({
  secret,
  userId: values.user,
  sessionId: values.session,
  ttlSeconds,
});
console.log(token);
