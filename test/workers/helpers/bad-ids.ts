/**
 * Path segments, as sent on the wire, that every route must reject with
 * 400 wherever an id goes. Literal `.` and `..` are absent because the URL
 * parser resolves them before the Worker receives the path.
 */
export const BAD_ID_SEGMENTS: [string, string][] = [
  ["encoded traversal", "..%2F..%2Fsecret"],
  ["encoded dot-dot with slash", "%2e%2e%2fsecret"],
  ["encoded slash", "alice%2Fbob"],
  ["encoded backslash", "alice%5Cbob"],
  ["encoded backslash traversal", "..%5C..%5Csecret"],
  ["double-encoded traversal", "%252e%252e%252fsecret"],
  ["malformed escape", "abc%ZZ"],
  ["truncated escape", "abc%4"],
  ["invalid UTF-8", "%C3%28"],
  ["truncated UTF-8", "%E0%A4%A"],
  ["NUL byte", "abc%00def"],
  ["leading dot", ".hidden"],
  ["space", "a%20b"],
  ["non-ASCII", "caf%C3%A9"],
  ["over-long id", "a".repeat(129)],
];
