import type { IRequest } from "itty-router";
import {
  SESSION_HEADER,
  USER_HEADER,
} from "../../durable-objects/audio-session.ts";
import { checkOrigin } from "../auth/origin.ts";
import { STREAM_SUBPROTOCOL, TOKEN_QUERY_PARAM } from "../auth/protocol.ts";
import { authorizeUser } from "../auth/user-auth.ts";
import { configFor } from "../config.ts";
import type { Env } from "../env.ts";
import { decodeSegments, PathError } from "../http/path-segments.ts";
import { jsonError } from "../http/responses.ts";
import { log } from "../log.ts";
import { userSessionsFor } from "../session/user-slots.ts";
import { isValidId } from "../storage/keys.ts";
import { requireId } from "../storage/object-path.ts";

const PREFIX = "/v1/sessions/";

/** Returns the stub of the Durable Object that owns one user's session. */
export function sessionStub(env: Env, userId: string, sessionId: string) {
  return env.AUDIO_SESSION.get(
    env.AUDIO_SESSION.idFromName(`${userId}/${sessionId}`),
  );
}

function parseSessionId(pathname: string): string {
  const [session] = decodeSegments(pathname, PREFIX);
  return requireId(session ?? "", "session id");
}

/**
 * Forwards a stream upgrade or a window request to the session's own object.
 * The user comes from the signed token, never from the request's own fields.
 */
export async function forwardToSession(
  request: IRequest,
  env: Env,
): Promise<Response> {
  const url = new URL(request.url);
  let sessionId: string;
  try {
    sessionId = parseSessionId(url.pathname);
  } catch (error) {
    if (!(error instanceof PathError)) throw error;
    return jsonError(400, "invalid_session_id", error.message);
  }
  const auth = await authorizeUser(request, env, url, {
    userId: null,
    sessionId,
  });
  if (auth instanceof Response) return auth;
  const userId = auth.claims.sub;
  if (!isValidId(userId)) {
    return jsonError(401, "unauthorized", "the token's user id is invalid");
  }

  if (!url.pathname.endsWith("/stream")) {
    return sessionStub(env, userId, sessionId).fetch(
      forwardable(request, url, userId, sessionId),
    );
  }
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return jsonError(
      426,
      "upgrade_required",
      "this route accepts WebSocket upgrades only",
    );
  }
  const rejected = checkOrigin(request, env, url);
  if (rejected) return rejected;
  return openStream(request, env, url, userId, sessionId);
}

/** Takes a session slot for the user, then hands the upgrade to the object. */
async function openStream(
  request: Request,
  env: Env,
  url: URL,
  userId: string,
  sessionId: string,
): Promise<Response> {
  const limit = configFor(env).maxSessionsPerUser;
  const slots = userSessionsFor(env, userId);
  const slot = await slots.acquire(
    sessionId,
    limit,
    configFor(env).staleAfterMs,
  );
  if (!slot.granted) {
    log.warn("session_limit_reached", {
      userId,
      sessionId,
      active: slot.active,
      limit,
    });
    return jsonError(
      429,
      "too_many_sessions",
      `user ${userId} already has ${slot.active} live sessions, the maximum of ${limit}: stop one, or wait for an abandoned one to expire`,
    );
  }

  const response = await sessionStub(env, userId, sessionId).fetch(
    forwardable(request, url, userId, sessionId),
  );
  if (response.status !== 101 || !response.webSocket) {
    if (slot.acquired) await slots.release(sessionId);
    return response;
  }
  return withSubprotocol(request, response);
}

/**
 * Copies the request for the object with the token removed and the verified
 * ids in USER_HEADER and SESSION_HEADER.
 */
function forwardable(
  request: Request,
  url: URL,
  userId: string,
  sessionId: string,
): Request {
  const target = new URL(url);
  target.searchParams.delete(TOKEN_QUERY_PARAM);
  target.searchParams.delete("userId");
  const headers = new Headers(request.headers);
  headers.delete("authorization");
  headers.delete("sec-websocket-protocol");
  headers.set(USER_HEADER, userId);
  headers.set(SESSION_HEADER, sessionId);
  return new Request(target.toString(), { method: request.method, headers });
}

/**
 * Selects STREAM_SUBPROTOCOL when the client offered it: a browser that
 * offers subprotocols fails the handshake unless the server selects one.
 */
function withSubprotocol(request: Request, response: Response): Response {
  const offered = (request.headers.get("sec-websocket-protocol") ?? "")
    .split(",")
    .map((entry) => entry.trim());
  if (!offered.includes(STREAM_SUBPROTOCOL)) return response;
  const headers = new Headers(response.headers);
  headers.set("sec-websocket-protocol", STREAM_SUBPROTOCOL);
  return new Response(null, {
    status: 101,
    webSocket: response.webSocket,
    headers,
  });
}
