import {
  blockAlign,
  bytesPerSecond,
  isContainer,
  isG711,
  type AudioFormat,
} from "../audio/format.ts";
import { decodeG711Into } from "../audio/g711.ts";
import type { RingBuffer } from "../audio/ring-buffer.ts";
import { WAV_HEADER_BYTES, wavHeader } from "../audio/wav.ts";
import { rangedResponse } from "../http/range.ts";
import { jsonError } from "../http/responses.ts";
import { servedWavFormat } from "../storage/recording.ts";

/**
 * Serves the last `seconds` of the window as a WAV file, with range requests
 * and HEAD. Both ends are aligned to whole sample frames, counted from the
 * stream's first byte. G.711 is decoded to PCM16, as in recording downloads.
 */
export function windowResponse(
  ring: RingBuffer,
  format: AudioFormat,
  request: Request,
  windowMs: number,
): Response {
  if (isContainer(format)) {
    // TODO: serve the window of a webm or ogg session as its part's
    // initialization segment plus the clusters or pages the ring holds.
    return jsonError(
      409,
      "window_unavailable",
      `the window is served as WAV for pcm_s16le, mulaw and alaw sessions; this session streams ${format.encoding}, so download the recording instead`,
    );
  }

  const url = new URL(request.url);
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

  const body = windowWav(ring, format, start, end);
  return rangedResponse(request, {
    size: body.length,
    headers: {
      "content-type": "audio/wav",
      "content-disposition": 'inline; filename="window.wav"',
      "cache-control": "no-store",
      "x-stream-start": String(start),
      "x-stream-end": String(end),
    },
    body: (range) => body.subarray(range.start, range.end),
  });
}

/** Builds the whole window file in memory; the window is bounded by config. */
function windowWav(
  ring: RingBuffer,
  format: AudioFormat,
  start: number,
  end: number,
): Uint8Array {
  const stored = end - start;
  const dataBytes = isG711(format) ? stored * 2 : stored;
  const body = new Uint8Array(WAV_HEADER_BYTES + dataBytes);
  body.set(wavHeader(servedWavFormat(format), dataBytes), 0);
  if (isG711(format)) {
    decodeG711Into(
      format.encoding,
      ring.read(start, end),
      body,
      WAV_HEADER_BYTES,
    );
  } else {
    ring.copyTo(start, end, body, WAV_HEADER_BYTES);
  }
  return body;
}
