/** Raised for a request path that must be rejected with 400. */
export class PathError extends Error {
  override name = "PathError";
}

/** Longest path accepted after the route prefix, in characters as sent. */
export const MAX_PATH_CHARS = 1_024;

/**
 * Splits the still percent-encoded `pathname` after `prefix` into decoded
 * segments. The URL parser already resolved literal `.` and `..` segments,
 * so what is checked here is what decoding reveals: malformed escapes,
 * encoded separators (`%2F`, `%5C`), control characters, and segments that
 * decode to `.`, `..` or nothing.
 */
export function decodeSegments(pathname: string, prefix: string): string[] {
  if (!pathname.startsWith(prefix)) {
    throw new PathError(`path must start with ${prefix}`);
  }
  const rest = pathname.slice(prefix.length);
  if (rest.length > MAX_PATH_CHARS) {
    throw new PathError(
      `path is ${rest.length} characters long; the maximum is ${MAX_PATH_CHARS}`,
    );
  }
  return rest.split("/").map((raw, index) => decodeSegment(raw, index + 1));
}

function decodeSegment(raw: string, position: number): string {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    throw new PathError(
      `path segment ${position} has malformed percent-encoding`,
    );
  }
  if (text === "") throw new PathError(`path segment ${position} is empty`);
  if (text.includes("/") || text.includes("\\")) {
    throw new PathError(
      `path segment ${position} contains an encoded separator`,
    );
  }
  if (text === "." || text === "..") {
    throw new PathError(`path segment ${position} is a relative reference`);
  }
  // Control characters, including NUL, never belong in a key.
  if (/[\u0000-\u001f\u007f]/.test(text)) {
    throw new PathError(
      `path segment ${position} contains a control character`,
    );
  }
  return text;
}
