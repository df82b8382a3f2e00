import type { Env } from "../env.ts";
import { jsonError } from "../http/responses.ts";
import { bearerToken } from "./admin-auth.ts";
import { TOKEN_QUERY_PARAM, TOKEN_SUBPROTOCOL_PREFIX } from "./protocol.ts";
import { readSecret } from "./secrets.ts";
import { claimsAllow, verifyUserToken, type UserClaims } from "./user-token.ts";

export type TokenSource = "header" | "subprotocol" | "query";

/** A verified token and where the request carried it. */
export interface UserAuth {
  claims: UserClaims;
  source: TokenSource;
}

function subprotocols(request: Request): string[] {
  const header = request.headers.get("sec-websocket-protocol") ?? "";
  return header
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

/** Finds the token in the header, the subprotocol list or the query, in that order. */
export function findUserToken(
  request: Request,
  url: URL,
): { token: string; source: TokenSource } | null {
  const header = bearerToken(request);
  if (header !== null) return { token: header, source: "header" };

  const offered = subprotocols(request).find((entry) =>
    entry.startsWith(TOKEN_SUBPROTOCOL_PREFIX),
  );
  if (offered !== undefined) {
    return {
      token: offered.slice(TOKEN_SUBPROTOCOL_PREFIX.length),
      source: "subprotocol",
    };
  }

  const query = url.searchParams.get(TOKEN_QUERY_PARAM);
  if (query !== null) return { token: query, source: "query" };
  return null;
}

/**
 * Verifies the request's user token and checks that it grants `userId` (and
 * `sessionId`, when the route names one). Returns the verified token, or the
 * error response: 503 without a usable signing secret, 401 for a missing or
 * invalid token, 403 for a valid token of another user or session.
 */
export async function authorizeUser(
  request: Request,
  env: Env,
  url: URL,
  target: { userId: string | null; sessionId: string | null },
): Promise<UserAuth | Response> {
  const secret = readSecret(env, "AUDIO_STORAGE_TOKEN_SECRET");
  if (secret instanceof Response) return secret;

  const found = findUserToken(request, url);
  if (!found) {
    return jsonError(
      401,
      "unauthorized",
      "missing user token: send `Authorization: Bearer <token>`, the `token` query parameter, or the WebSocket subprotocol `bearer.<token>`",
    );
  }
  const result = await verifyUserToken(found.token, secret, Date.now());
  if (!result.ok) return jsonError(401, "unauthorized", result.reason);

  const userId = target.userId ?? result.claims.sub;
  if (!claimsAllow(result.claims, userId, target.sessionId)) {
    return jsonError(
      403,
      "forbidden",
      "the token does not grant access to this user's or session's audio",
    );
  }
  return { claims: result.claims, source: found.source };
}
