import type { Env } from "../env.ts";
import { jsonError } from "../http/responses.ts";
import { isValidId, manifestKey } from "../storage/keys.ts";
import { readManifest } from "../storage/manifest.ts";
import { planRecording, writeRecordingRange } from "../storage/recording.ts";

import type { IRequest } from "itty-router";

type RoutedRequest = IRequest;

/** Streams a recording as one WAV file assembled from its segments. */
export async function downloadRecording(
  request: RoutedRequest,
  env: Env,
  ctx: ExecutionContext,
): Promise<Response> {
  const userId = request.params.userId ?? "";
  const file = request.params.file ?? "";
  const sessionId = file.endsWith(".wav") ? file.slice(0, -4) : "";
  if (!isValidId(userId) || !isValidId(sessionId)) {
    return jsonError(
      400,
      "invalid_path",
      "expected /v1/recordings/{userId}/{sessionId}.wav with ids of letters, digits, '.', '_' or '-'",
    );
  }

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

  const { size } = planRecording(manifest);
  const { readable, writable } = new FixedLengthStream(size);
  ctx.waitUntil(
    writeRecordingRange(env.AUDIO_BUCKET, manifest, 0, size, writable),
  );
  return new Response(readable, {
    headers: {
      "content-type": "audio/wav",
      "content-length": String(size),
      "content-disposition": `attachment; filename="${sessionId}.wav"`,
      "x-recording-complete": String(manifest.complete),
    },
  });
}
