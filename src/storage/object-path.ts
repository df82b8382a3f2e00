import { PathError } from "../http/path-segments.ts";
import { isValidId, ROOT_PREFIX, sessionPrefix } from "./keys.ts";

/** What an admin `{filePath}` names. */
export type FilePath =
  | { kind: "recording"; userId: string; sessionId: string }
  | { kind: "object"; userId: string; sessionId: string; key: string };

/** Names of the parts of an object path below a session. */
const OBJECT_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** Deepest object path below a session, in segments (`segments/N.pcm` is 2). */
const MAX_OBJECT_DEPTH = 2;

const FORMS =
  "expected {userId}/{sessionId}.wav, {userId}/{sessionId}, or {userId}/{sessionId}/{object} such as manifest.json or segments/000000000000000.pcm";

/** Checks an id from a path; ids are 1 to 128 letters, digits, '.', '_' or '-'. */
export function requireId(id: string, what: string): string {
  if (!isValidId(id)) {
    throw new PathError(
      `${what} ${JSON.stringify(id.slice(0, 140))} is invalid: use 1 to 128 letters, digits, '.', '_' or '-', not starting with '.'`,
    );
  }
  return id;
}

/**
 * Parses decoded path segments relative to `audio-sessions/`. A recording
 * named as `{sessionId}.wav` loses the `.wav`.
 */
export function parseFilePath(segments: string[]): FilePath {
  const [user, session, ...rest] = segments;
  if (user === undefined || session === undefined) throw new PathError(FORMS);
  const userId = requireId(user, "user id");

  if (rest.length === 0) {
    const sessionId = session.endsWith(".wav")
      ? session.slice(0, -".wav".length)
      : session;
    return {
      kind: "recording",
      userId,
      sessionId: requireId(sessionId, "session id"),
    };
  }

  const sessionId = requireId(session, "session id");
  if (
    rest.length > MAX_OBJECT_DEPTH ||
    !rest.every((part) => OBJECT_NAME.test(part))
  ) {
    throw new PathError(FORMS);
  }
  const key = `${sessionPrefix(userId, sessionId)}${rest.join("/")}`;
  return { kind: "object", userId, sessionId, key: assertStorageKey(key) };
}

/**
 * Returns `key` after checking that it stays under `audio-sessions/` with no
 * empty or relative segment. The parsers above already guarantee this; the
 * check stops a future caller that builds keys another way.
 */
export function assertStorageKey(key: string): string {
  const parts = key.slice(ROOT_PREFIX.length).split("/");
  const safe =
    key.startsWith(ROOT_PREFIX) &&
    parts.every(
      (part, i) =>
        part !== "." &&
        part !== ".." &&
        (part !== "" || i === parts.length - 1),
    );
  if (!safe)
    throw new Error(
      `refusing key ${JSON.stringify(key)} outside ${ROOT_PREFIX}`,
    );
  return key;
}
