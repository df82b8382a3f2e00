import {
  blockAlign,
  bytesPerSecond,
  type AudioFormat,
} from "../audio/format.ts";
import type { RingBuffer } from "../audio/ring-buffer.ts";
import { wavHeader } from "../audio/wav.ts";
import { jsonError } from "../http/responses.ts";

/**
 * Serves the last `seconds` of the window as a WAV file. Both ends are
 * aligned to whole sample frames, counted from the stream's first byte.
 */
export function windowResponse(
  ring: RingBuffer,
  format: AudioFormat,
  url: URL,
  windowMs: number,
): Response {
  const raw = url.searchParams.get("seconds");
  const maxSeconds = windowMs / 1000;
  const seconds = raw === null ? maxSeconds : Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > maxSeconds) {
    return jsonError(
      400,
      "invalid_seconds",
      `seconds=${JSON.stringify(raw)} is invalid: expected a number greater than 0 and at most ${maxSeconds}`,
    );
  }

  const align = blockAlign(format);
  const end = ring.end - (ring.end % align);
  const wanted = Math.floor((seconds * bytesPerSecond(format)) / align) * align;
  const oldest = ring.start + ((align - (ring.start % align)) % align);
  const start = Math.min(end, Math.max(oldest, end - wanted));

  const body = new Uint8Array(44 + end - start);
  body.set(wavHeader(format, end - start), 0);
  ring.copyTo(start, end, body, 44);
  return new Response(body, {
    headers: {
      "content-type": "audio/wav",
      "content-disposition": 'inline; filename="window.wav"',
      "cache-control": "no-store",
      "x-stream-start": String(start),
      "x-stream-end": String(end),
    },
  });
}
