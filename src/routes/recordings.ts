import type { IRequest } from "itty-router";
import { authorizeUser } from "../auth/user-auth.ts";
import type { Env } from "../env.ts";
import { decodeSegments, PathError } from "../http/path-segments.ts";
import {
  serveRecording,
  type RecordingTarget,
} from "../http/recording-response.ts";
import { jsonError } from "../http/responses.ts";
import { requireId } from "../storage/object-path.ts";

const PREFIX = "/v1/recordings/";
const FILE_PATTERN = /^(.+)\.(wav|webm|ogg)$/;
const PATH_SHAPE =
  "expected /v1/recordings/{userId}/{sessionId}.wav (or .webm, .ogg)";

function parseRecordingPath(pathname: string): RecordingTarget {
  const segments = decodeSegments(pathname, PREFIX);
  const [user, file] = segments;
  const match = FILE_PATTERN.exec(file ?? "");
  if (segments.length !== 2 || !match) throw new PathError(PATH_SHAPE);
  return {
    userId: requireId(user ?? "", "user id"),
    sessionId: requireId(match[1] ?? "", "session id"),
    extension: match[2] as RecordingTarget["extension"],
  };
}

/**
 * Serves the caller's own recording. The user token must name the user in
 * the path, and either that session or any session.
 */
export async function downloadRecording(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
): Promise<Response> {
  const url = new URL(request.url);
  let target: RecordingTarget;
  try {
    target = parseRecordingPath(url.pathname);
  } catch (error) {
    if (!(error instanceof PathError)) throw error;
    return jsonError(400, "invalid_path", error.message);
  }
  const auth = await authorizeUser(request, env, url, target);
  if (auth instanceof Response) return auth;

  return serveRecording(request, env, ctx, target);
}
