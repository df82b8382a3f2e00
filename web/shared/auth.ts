/**
 * Every credential the pages use, in one place: the admin token for
 * /api/audio-storage/* and the signed user token for the stream, window and
 * recording routes.
 *
 * The admin token is kept in sessionStorage: it lasts until the tab closes,
 * and both pages read it when opened in that tab.
 * User tokens come from `npm run token` and have the form
 * `base64url(JSON claims) "." base64url(HMAC-SHA256)`. The pages read the
 * `sub` claim only to show and address the user; the server verifies the
 * signature.
 */
import {
  STREAM_SUBPROTOCOL,
  TOKEN_SUBPROTOCOL_PREFIX,
} from "../../src/auth/protocol.ts";

const ADMIN_TOKEN_KEY = "audio-storage.admin-token";

/** The admin token, or null when this tab stores none. */
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

/** Request headers for the admin API. Throws when this tab stores no admin token. */
export function adminHeaders(): Record<string, string> {
  const token = adminToken();
  if (token === null) throw new Error("sign in with the admin token first");
  return { authorization: `Bearer ${token}` };
}

/** A user token and the user id its `sub` claim names. */
export interface UserIdentity {
  userId: string;
  token: string;
}

/**
 * Reads the user id from a token. Throws when the text is not a token, so
 * the page can report it before the server rejects it.
 */
export function userIdentity(token: string): UserIdentity {
  const trimmed = token.trim();
  const payload = trimmed.split(".")[0] ?? "";
  let claims: { sub?: unknown };
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    claims = JSON.parse(atob(base64)) as { sub?: unknown };
  } catch {
    throw new Error(
      "the user token is malformed: paste the whole output of `npm run token -- --user ID`",
    );
  }
  if (typeof claims.sub !== "string" || claims.sub === "") {
    throw new Error(
      "the user token names no user (its `sub` claim is missing)",
    );
  }
  return { userId: claims.sub, token: trimmed };
}

/** WebSocket URL and subprotocols for a session's stream. */
export function streamTarget(
  sessionId: string,
  identity: UserIdentity,
): { url: string; protocols: string[] } {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const url = new URL(
    `/v1/sessions/${encodeURIComponent(sessionId)}/stream`,
    `${scheme}//${location.host}`,
  );
  // Browsers cannot set headers on a WebSocket, and a query string tends to
  // end up in access logs. So the token travels as a subprotocol, and the
  // server selects STREAM_SUBPROTOCOL in reply.
  return {
    url: url.toString(),
    protocols: [
      STREAM_SUBPROTOCOL,
      `${TOKEN_SUBPROTOCOL_PREFIX}${identity.token}`,
    ],
  };
}

/** Fetches a user route, such as the window or a recording, as this user. */
export function userFetch(
  path: string,
  identity: UserIdentity,
): Promise<Response> {
  return fetch(new URL(path, location.origin), {
    headers: { authorization: `Bearer ${identity.token}` },
  });
}
