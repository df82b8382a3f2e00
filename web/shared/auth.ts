/**
 * Every credential the pages use, in one place: the admin token for
 * /api/audio-storage/* and the user identity for the stream, window and
 * recording routes.
 *
 * The admin token is kept in sessionStorage, so it lasts until the tab
 * closes and is shared by the dashboard and the test page on one origin.
 * User tokens are signed by the server's `npm run token` script with the
 * format `base64url(JSON claims) "." base64url(HMAC-SHA256)`; the pages only
 * read the `sub` claim to name the user and never verify the signature.
 */

const ADMIN_TOKEN_KEY = "audio-storage.admin-token";

/** Subprotocol the server selects when a socket authenticates by subprotocol. */
const STREAM_SUBPROTOCOL = "audio-stream";
/** Browsers cannot set headers on a WebSocket, so the token rides as a subprotocol. */
const TOKEN_SUBPROTOCOL_PREFIX = "bearer.";

/** The admin token, or null when nobody has signed in in this tab. */
export function adminToken(): string | null {
  const token = sessionStorage.getItem(ADMIN_TOKEN_KEY);
  return token === null || token === "" ? null : token;
}

export function saveAdminToken(token: string): void {
  sessionStorage.setItem(ADMIN_TOKEN_KEY, token.trim());
}

export function clearAdminToken(): void {
  sessionStorage.removeItem(ADMIN_TOKEN_KEY);
}

/** Request headers for the admin API; throws when nobody has signed in. */
export function adminHeaders(): Record<string, string> {
  const token = adminToken();
  if (token === null) throw new Error("sign in with the admin token first");
  return { authorization: `Bearer ${token}` };
}

/**
 * Who the test page streams as. With a token, the user id is the token's
 * `sub` claim; without one, `userId` is sent as a query parameter, which
 * only a server without user tokens accepts.
 */
export interface UserIdentity {
  userId: string;
  token: string | null;
}

/** Builds the identity from the form's user id and optional token. */
export function userIdentity(userId: string, token: string): UserIdentity {
  const trimmed = token.trim();
  if (trimmed === "") return { userId: userId.trim(), token: null };
  return { userId: tokenSubject(trimmed) ?? userId.trim(), token: trimmed };
}

/** Reads the unverified `sub` claim of a user token, or null if unreadable. */
export function tokenSubject(token: string): string | null {
  const payload = token.split(".")[0] ?? "";
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(base64)) as { sub?: unknown };
    return typeof claims.sub === "string" ? claims.sub : null;
  } catch {
    return null;
  }
}

/** WebSocket URL and subprotocols for a session's stream. */
export function streamTarget(
  sessionId: string,
  identity: UserIdentity,
): { url: string; protocols: string[] | undefined } {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const url = new URL(
    `/v1/sessions/${encodeURIComponent(sessionId)}/stream`,
    `${scheme}//${location.host}`,
  );
  url.searchParams.set("userId", identity.userId);
  // A browser fails the handshake if it offers subprotocols and the server
  // selects none, so they are offered only with a token.
  const protocols =
    identity.token === null
      ? undefined
      : [STREAM_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${identity.token}`];
  return { url: url.toString(), protocols };
}

/** Fetches a user route such as the window or a recording as this user. */
export function userFetch(
  path: string,
  identity: UserIdentity,
): Promise<Response> {
  const url = new URL(path, location.origin);
  url.searchParams.set("userId", identity.userId);
  const headers: Record<string, string> = {};
  if (identity.token !== null) {
    headers.authorization = `Bearer ${identity.token}`;
  }
  return fetch(url, { headers });
}
