import type { Manifest } from "../storage/manifest.ts";
import { planRecording, writeRecordingRange } from "../storage/recording.ts";

/**
 * Streams a recording as one WAV file assembled from its segments. The body
 * is written after the response returns, so `ctx.waitUntil` keeps the
 * Worker alive until the last segment is piped.
 */
export function wavResponse(
  bucket: R2Bucket,
  manifest: Manifest,
  ctx: ExecutionContext,
): Response {
  const { size } = planRecording(manifest);
  const { readable, writable } = new FixedLengthStream(size);
  ctx.waitUntil(writeRecordingRange(bucket, manifest, 0, size, writable));
  return new Response(readable, {
    headers: {
      "content-type": "audio/wav",
      "content-length": String(size),
      "content-disposition": `attachment; filename="${manifest.sessionId}.wav"`,
      "x-recording-complete": String(manifest.complete),
    },
  });
}
