import type { IRequest } from "itty-router";
import { authorizeUser } from "../auth/user-auth.ts";
import type { Env } from "../env.ts";
import { decodeSegments, PathError } from "../http/path-segments.ts";
import { jsonError } from "../http/responses.ts";
import { wavResponse } from "../http/wav-response.ts";
import { manifestKey } from "../storage/keys.ts";
import { readManifest } from "../storage/manifest.ts";
import { requireId } from "../storage/object-path.ts";

const PREFIX = "/v1/recordings/";

function parseRecordingPath(pathname: string): {
  userId: string;
  sessionId: string;
} {
  const segments = decodeSegments(pathname, PREFIX);
  const [user, file] = segments;
  if (segments.length !== 2 || !file?.endsWith(".wav")) {
    throw new PathError("expected /v1/recordings/{userId}/{sessionId}.wav");
  }
  return {
    userId: requireId(user ?? "", "user id"),
    sessionId: requireId(file.slice(0, -".wav".length), "session id"),
  };
}

/**
 * Streams the caller's own recording as one WAV file. The user token must
 * name the user in the path, and either that session or any session.
 */
export async function downloadRecording(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
): Promise<Response> {
  const url = new URL(request.url);
  let target;
  try {
    target = parseRecordingPath(url.pathname);
  } catch (error) {
    if (!(error instanceof PathError)) throw error;
    return jsonError(400, "invalid_path", error.message);
  }
  const auth = await authorizeUser(request, env, url, target);
  if (auth instanceof Response) return auth;

  const { userId, sessionId } = target;
  const manifest = await readManifest(
    env.AUDIO_BUCKET,
    manifestKey(userId, sessionId),
  );
  if (!manifest) {
    return jsonError(
      404,
      "not_found",
      `no recording ${sessionId} for user ${userId}`,
    );
  }
  return wavResponse(env.AUDIO_BUCKET, manifest, ctx);
}
