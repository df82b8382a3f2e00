import { configFor } from "../config.ts";
import type { Env } from "../env.ts";
import { jsonError } from "../http/responses.ts";
import { liveSessionKeys } from "../registry/shards.ts";
import { DAY_MS } from "../retention.ts";
import { sweepExpired } from "../storage/retention-sweep.ts";

/** Largest request body accepted, in bytes. */
const MAX_BODY_BYTES = 4_096;
/** Largest `maxAgeDays` accepted: 100 years. */
const MAX_AGE_DAYS = 36_500;

interface CleanupRequest {
  maxAgeDays: number;
  cursor: string | null;
}

/** Parses `{"maxAgeDays": N, "cursor"?: C}`; returns a 400/413 response when invalid. */
async function parseCleanupRequest(
  request: Request,
): Promise<CleanupRequest | Response> {
  const text = await request.text();
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
    return jsonError(
      413,
      "payload_too_large",
      `request body exceeds ${MAX_BODY_BYTES} bytes`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return jsonError(
      400,
      "invalid_json",
      'request body must be JSON such as {"maxAgeDays": 7}',
    );
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return jsonError(
      400,
      "invalid_body",
      'request body must be an object such as {"maxAgeDays": 7}',
    );
  }
  const { maxAgeDays, cursor } = body as Record<string, unknown>;
  if (
    typeof maxAgeDays !== "number" ||
    !Number.isFinite(maxAgeDays) ||
    maxAgeDays < 0 ||
    maxAgeDays > MAX_AGE_DAYS
  ) {
    return jsonError(
      400,
      "invalid_max_age",
      `maxAgeDays ${JSON.stringify(maxAgeDays ?? null)} is invalid: expected a number from 0 to ${MAX_AGE_DAYS}`,
    );
  }
  if (
    cursor !== undefined &&
    cursor !== null &&
    (typeof cursor !== "string" || cursor === "")
  ) {
    return jsonError(
      400,
      "invalid_cursor",
      "cursor must be the string a previous cleanup returned",
    );
  }
  return { maxAgeDays, cursor: (cursor as string | null | undefined) ?? null };
}

/**
 * Deletes recordings older than `maxAgeDays`, skipping live sessions. One
 * call lists at most AUDIO_STORAGE_RETENTION_MAX_KEYS_PER_RUN keys; when the
 * response has `complete: false`, send its `cursor` to continue.
 */
export async function cleanup(request: Request, env: Env): Promise<Response> {
  const parsed = await parseCleanupRequest(request);
  if (parsed instanceof Response) return parsed;

  const result = await sweepExpired(env.AUDIO_BUCKET, {
    cutoffMs: Date.now() - parsed.maxAgeDays * DAY_MS,
    live: await liveSessionKeys(env),
    startAfter: parsed.cursor,
    maxKeys: configFor(env).retentionMaxKeysPerRun,
    reason: "cleanup",
  });
  return Response.json({
    maxAgeDays: parsed.maxAgeDays,
    deletedObjects: result.deletedObjects,
    deletedRecordings: result.deletedRecordings,
    keptRecordings: result.keptRecordings,
    skippedLive: result.skippedLive,
    scannedObjects: result.scannedObjects,
    complete: result.complete,
    cursor: result.nextStartAfter,
  });
}
