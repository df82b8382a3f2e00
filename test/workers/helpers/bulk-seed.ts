import { env } from "cloudflare:workers";
import { manifestKey, segmentKey } from "../../../src/storage/keys.ts";

/** Stores `recordings` recordings of `objectsEach` objects (segments plus a manifest) for `userId`. */
export async function seedObjects(
  userId: string,
  recordings: number,
  objectsEach: number,
): Promise<string[]> {
  const keys: string[] = [];
  for (let r = 0; r < recordings; r++) {
    const sessionId = `rec-${String(r).padStart(3, "0")}`;
    keys.push(manifestKey(userId, sessionId));
    for (let s = 0; s < objectsEach - 1; s++)
      keys.push(segmentKey(userId, sessionId, s * 100));
  }
  for (let i = 0; i < keys.length; i += 200) {
    await Promise.all(
      keys.slice(i, i + 200).map((key) => env.AUDIO_BUCKET.put(key, "x")),
    );
  }
  return keys;
}

/** Waits until the clock moves past every upload so far, so later uploads sort strictly after. */
export async function passTheClock(): Promise<number> {
  const boundary = Date.now() + 2;
  while (Date.now() <= boundary)
    await new Promise((resolve) => setTimeout(resolve, 5));
  return boundary;
}
