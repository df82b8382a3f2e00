import type { Env } from "../env.ts";
import { errorMessage, log } from "../log.ts";
import { manifestKey } from "../storage/keys.ts";
import { readStoredManifest } from "../storage/manifest.ts";
import {
  containerParts,
  PartNotFoundError,
  planRecording,
  type RecordingFile,
} from "../storage/recording.ts";
import { writeFileRange } from "../storage/recording-writer.ts";
import { rangedResponse } from "./range.ts";
import { jsonError } from "./responses.ts";

/** The recording a download names; `extension` is null when the path has none. */
export interface RecordingTarget {
  userId: string;
  sessionId: string;
  extension: "wav" | "webm" | "ogg" | null;
}

/**
 * Serves a recording assembled from its segments, with range requests and
 * HEAD: a WAV for PCM and G.711 sessions, or one container part
 * (`?part=N`, from 1) for webm and ogg sessions.
 */
export async function serveRecording(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  target: RecordingTarget,
): Promise<Response> {
  const { userId, sessionId } = target;
  const part = parsePart(new URL(request.url).searchParams.get("part"));
  if (part === null) {
    return jsonError(
      400,
      "invalid_part",
      "part must be a positive integer; parts are numbered from 1",
    );
  }

  const stored = await readStoredManifest(
    env.AUDIO_BUCKET,
    manifestKey(userId, sessionId),
  );
  if (!stored) {
    return jsonError(
      404,
      "not_found",
      `no recording ${sessionId} for user ${userId}`,
    );
  }

  let file: RecordingFile;
  try {
    file = planRecording(stored.manifest, part);
  } catch (error) {
    if (!(error instanceof PartNotFoundError)) throw error;
    return jsonError(404, "part_not_found", error.message);
  }
  if (target.extension !== null && file.extension !== target.extension) {
    return jsonError(
      404,
      "not_found",
      `recording ${sessionId} is served as ${sessionId}.${file.extension}, not .${target.extension}`,
    );
  }

  const suffix = part > 1 ? `-part${part}` : "";
  return rangedResponse(request, {
    size: file.size,
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${sessionId}${suffix}.${file.extension}"`,
      etag: partEtag(stored.etag, part),
      "cache-control": "no-cache",
      "x-recording-complete": String(stored.manifest.complete),
      "x-recording-parts": String(
        file.contentType === "audio/wav"
          ? 1
          : containerParts(stored.manifest).length,
      ),
    },
    body: (range) => streamRange(env.AUDIO_BUCKET, file, range, ctx, sessionId),
  });
}

/** Parses `?part=`; absent means 1, anything but a positive integer is null. */
function parsePart(raw: string | null): number | null {
  if (raw === null) return 1;
  if (!/^\d+$/.test(raw)) return null;
  const part = Number(raw);
  return part >= 1 && Number.isSafeInteger(part) ? part : null;
}

/** Returns the manifest's tag with the part number, so each part has its own tag. */
function partEtag(manifestEtag: string, part: number): string {
  const bare = manifestEtag.replace(/^(W\/)?"|"$/g, "");
  return `"${bare}-${part}"`;
}

function streamRange(
  bucket: R2Bucket,
  file: RecordingFile,
  range: { start: number; end: number },
  ctx: ExecutionContext,
  sessionId: string,
): ReadableStream<Uint8Array> {
  const { readable, writable } = new FixedLengthStream(range.end - range.start);
  ctx.waitUntil(
    writeFileRange(bucket, file, range.start, range.end, writable).catch(
      (error: unknown) => {
        log.error("recording_stream_failed", {
          sessionId,
          start: range.start,
          end: range.end,
          error: errorMessage(error),
        });
      },
    ),
  );
  return readable;
}
