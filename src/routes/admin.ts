import type { IRequest } from "itty-router";
import { cleanup } from "../admin/cleanup.ts";
import { deleteFilePath } from "../admin/delete-path.ts";
import { listRecordings, parsePageQuery } from "../admin/list-recordings.ts";
import { collectStats } from "../admin/stats.ts";
import { requireAdmin } from "../auth/admin-auth.ts";
import type { Env } from "../env.ts";
import { decodeSegments, PathError } from "../http/path-segments.ts";
import { jsonError } from "../http/responses.ts";
import { wavResponse } from "../http/wav-response.ts";
import { manifestKey } from "../storage/keys.ts";
import { readManifest } from "../storage/manifest.ts";
import {
  parseFilePath,
  requireId,
  type FilePath,
} from "../storage/object-path.ts";

/** Base of the admin API; the paths match the earlier storage admin API. */
export const ADMIN_BASE = "/api/audio-storage";

type Handler = (
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
) => Promise<Response>;

/** Runs `handler` only for a valid admin token, and maps PathError to 400. */
function adminOnly(handler: Handler): Handler {
  return async (request, env, ctx) => {
    const denied = await requireAdmin(request, env);
    if (denied) return denied;
    try {
      return await handler(request, env, ctx);
    } catch (error) {
      if (!(error instanceof PathError)) throw error;
      return jsonError(400, "invalid_path", error.message);
    }
  };
}

function filePathOf(request: IRequest, route: string): FilePath {
  return parseFilePath(
    decodeSegments(new URL(request.url).pathname, `${ADMIN_BASE}/${route}/`),
  );
}

async function stats(_request: IRequest, env: Env): Promise<Response> {
  return Response.json(await collectStats(env));
}

async function listFiles(request: IRequest, env: Env): Promise<Response> {
  const url = new URL(request.url);
  const segments = decodeSegments(url.pathname, `${ADMIN_BASE}/files/`);
  if (segments.length !== 1) {
    throw new PathError(`expected ${ADMIN_BASE}/files/{userId}`);
  }
  const userId = requireId(segments[0] ?? "", "user id");
  const page = parsePageQuery(url);
  try {
    return Response.json(await listRecordings(env.AUDIO_BUCKET, userId, page));
  } catch (error) {
    // R2 rejects a cursor it did not issue; any other failure is a 500.
    if (page.cursor === undefined) throw error;
    return jsonError(
      400,
      "invalid_cursor",
      "cursor is invalid: pass the cursor of the previous page unchanged",
    );
  }
}

async function download(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
): Promise<Response> {
  const target = filePathOf(request, "download");
  if (target.kind === "recording") {
    const manifest = await readManifest(
      env.AUDIO_BUCKET,
      manifestKey(target.userId, target.sessionId),
    );
    if (!manifest) {
      return jsonError(
        404,
        "not_found",
        `no recording ${target.sessionId} for user ${target.userId}`,
      );
    }
    return wavResponse(env.AUDIO_BUCKET, manifest, ctx);
  }
  const object = await env.AUDIO_BUCKET.get(target.key);
  if (!object) return jsonError(404, "not_found", `no object at ${target.key}`);
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("etag", object.httpEtag);
  headers.set("content-length", String(object.size));
  if (!headers.has("content-type"))
    headers.set("content-type", "application/octet-stream");
  return new Response(object.body, { headers });
}

async function deleteFile(request: IRequest, env: Env): Promise<Response> {
  const target = filePathOf(request, "files");
  const force = new URL(request.url).searchParams.get("force") === "true";
  return deleteFilePath(env, target, force);
}

/** Admin route handlers; each needs `Authorization: Bearer <ADMIN_TOKEN>`. */
export const adminHandlers = {
  stats: adminOnly(stats),
  listFiles: adminOnly(listFiles),
  download: adminOnly(download),
  deleteFile: adminOnly(deleteFile),
  cleanup: adminOnly((request, env) => cleanup(request, env)),
};
