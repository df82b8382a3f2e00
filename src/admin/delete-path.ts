import type { Env } from "../env.ts";
import { jsonError } from "../http/responses.ts";
import { log } from "../log.ts";
import { registryForSession } from "../registry/shards.ts";
import { deletePrefix } from "../storage/delete-batches.ts";
import { ROOT_PREFIX, sessionPrefix } from "../storage/keys.ts";
import type { FilePath } from "../storage/object-path.ts";

/**
 * Deletes a recording (every object under its prefix) or one object.
 * A live session is refused with 409 unless `force` is set, because its
 * next upload would recreate a partial recording.
 */
export async function deleteFilePath(
  env: Env,
  target: FilePath,
  force: boolean,
): Promise<Response> {
  const { userId, sessionId } = target;
  const live = await registryForSession(env, sessionId).isLive(
    userId,
    sessionId,
    Date.now(),
  );
  if (live && !force) {
    return jsonError(
      409,
      "session_live",
      `session ${sessionId} of user ${userId} is still live: stop it first, or add ?force=true`,
    );
  }

  let deleted: number;
  if (target.kind === "recording") {
    deleted = await deletePrefix(
      env.AUDIO_BUCKET,
      sessionPrefix(userId, sessionId),
    );
  } else if (await env.AUDIO_BUCKET.head(target.key)) {
    await env.AUDIO_BUCKET.delete(target.key);
    deleted = 1;
  } else {
    deleted = 0;
  }
  if (deleted === 0) {
    return jsonError(404, "not_found", `nothing stored at ${describe(target)}`);
  }
  log.info("admin_deleted", {
    userId,
    sessionId,
    target: describe(target),
    objects: deleted,
    force,
  });
  return Response.json({ deleted, path: describe(target) });
}

function describe(target: FilePath): string {
  if (target.kind === "object") return target.key.slice(ROOT_PREFIX.length);
  return `${target.userId}/${target.sessionId}`;
}
