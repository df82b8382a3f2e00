import { env } from "cloudflare:workers";
import { manifestKey, segmentKey } from "../../../src/storage/keys.ts";
import { writeManifest, type Manifest } from "../../../src/storage/manifest.ts";

/** Stores a complete recording of `segments` segments of `bytesPerSegment` bytes each. */
export async function seedRecording(
  userId: string,
  sessionId: string,
  options: {
    segments?: number;
    bytesPerSegment?: number;
    bucket?: R2Bucket;
  } = {},
): Promise<{ manifest: Manifest; audio: Uint8Array }> {
  const bucket = options.bucket ?? env.AUDIO_BUCKET;
  const count = options.segments ?? 2;
  const size = options.bytesPerSegment ?? 3_200;
  const audio = new Uint8Array(count * size);
  for (let i = 0; i < audio.length; i++) audio[i] = (i * 7) % 251;

  const manifest: Manifest = {
    version: 1,
    userId,
    sessionId,
    format: { encoding: "pcm_s16le", sampleRate: 16_000, channels: 1 },
    segments: [],
    gaps: [],
    startedAt: new Date().toISOString(),
    endedAt: new Date().toISOString(),
    totalBytes: audio.length,
    audioBytes: audio.length,
    complete: true,
  };
  for (let i = 0; i < count; i++) {
    const key = segmentKey(userId, sessionId, i * size);
    await bucket.put(key, audio.subarray(i * size, (i + 1) * size));
    manifest.segments.push({
      key,
      start: i * size,
      end: (i + 1) * size,
      uploadedAt: Date.now(),
    });
  }
  await writeManifest(bucket, manifestKey(userId, sessionId), manifest);
  return { manifest, audio };
}

/** Keys stored under `prefix`, following every list page. */
export async function listKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await env.AUDIO_BUCKET.list({ prefix, cursor });
    keys.push(...page.objects.map((object) => object.key));
    if (!page.truncated) return keys;
    cursor = page.cursor;
  }
}
