/** Every object the service writes sits under this prefix. */
export const ROOT_PREFIX = "audio-sessions/";

/** Width of the zero-padded byte offset in segment keys, so keys sort by offset. */
const OFFSET_DIGITS = 15;

/** User and session ids: letters, digits, dot, underscore, hyphen. */
const ID_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** True for an id that is safe to place in a key as one path segment. */
export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id) && id !== "." && id !== "..";
}

/** Prefix of every object of one user's recordings. */
export function userPrefix(userId: string): string {
  return `${ROOT_PREFIX}${userId}/`;
}

/** Prefix of every object of one recording. */
export function sessionPrefix(userId: string, sessionId: string): string {
  return `${userPrefix(userId)}${sessionId}/`;
}

/**
 * Key of the segment whose first byte is at `startOffset`. Deriving the key
 * from the offset makes a retried upload overwrite the same object. Raw
 * audio segments end in `.pcm`; webm and ogg segments carry their container
 * extension because each one is a playable file.
 */
export function segmentKey(
  userId: string,
  sessionId: string,
  startOffset: number,
  extension = "pcm",
): string {
  const padded = String(startOffset).padStart(OFFSET_DIGITS, "0");
  return `${sessionPrefix(userId, sessionId)}segments/${padded}.${extension}`;
}

/** Key of a recording's manifest. */
export function manifestKey(userId: string, sessionId: string): string {
  return `${sessionPrefix(userId, sessionId)}manifest.json`;
}
