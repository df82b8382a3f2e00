import {
  SESSION_HEADER,
  USER_HEADER,
} from "../../durable-objects/audio-session.ts";
import type { Env } from "../env.ts";
import { jsonError } from "../http/responses.ts";
import { isValidId } from "../storage/keys.ts";

import type { IRequest } from "itty-router";

type RoutedRequest = IRequest;

/** The Durable Object that owns one user's session. */
export function sessionStub(env: Env, userId: string, sessionId: string) {
  return env.AUDIO_SESSION.get(
    env.AUDIO_SESSION.idFromName(`${userId}/${sessionId}`),
  );
}

/**
 * Forwards a stream upgrade or a window request to the session's own object.
 * TODO: the user id comes from the `userId` query parameter until signed
 * user tokens replace it.
 */
export async function forwardToSession(
  request: RoutedRequest,
  env: Env,
): Promise<Response> {
  const url = new URL(request.url);
  const sessionId = request.params.sessionId ?? "";
  const userId = url.searchParams.get("userId") ?? "";
  if (!isValidId(sessionId)) {
    return jsonError(
      400,
      "invalid_session_id",
      "session id must be 1 to 128 letters, digits, '.', '_' or '-'",
    );
  }
  if (!isValidId(userId)) {
    return jsonError(
      400,
      "invalid_user_id",
      "userId must be 1 to 128 letters, digits, '.', '_' or '-'",
    );
  }

  const isStream = url.pathname.endsWith("/stream");
  if (
    isStream &&
    request.headers.get("upgrade")?.toLowerCase() !== "websocket"
  ) {
    return jsonError(
      426,
      "upgrade_required",
      "this route accepts WebSocket upgrades only",
    );
  }

  const headers = new Headers(request.headers);
  headers.set(USER_HEADER, userId);
  headers.set(SESSION_HEADER, sessionId);
  const forwarded = new Request(request.url, {
    method: request.method,
    headers,
  });
  return sessionStub(env, userId, sessionId).fetch(forwarded);
}
