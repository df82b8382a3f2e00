import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** Directory of the real speech fixtures, beside the repository. */
export const FIXTURES = resolve(
  import.meta.dirname,
  "../../../shared/fixtures/audio",
);

export function readFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(FIXTURES, name)));
}

/** Byte offsets of the Clusters in the webm fixture, from its ffprobe layout. */
export const WEBM_CLUSTER_OFFSETS = [
  391, 4240, 8236, 11966, 15947, 19660, 23328, 27521, 31466, 35362, 39444,
  43335,
];

/**
 * Returns a copy of the webm fixture whose Clusters have unknown sizes, as
 * Chrome's MediaRecorder writes them. The fixture's Cluster sizes are 2-byte
 * fields, which become the 2-byte unknown size 0x7FFF.
 */
export function withUnknownClusterSizes(webm: Uint8Array): Uint8Array {
  const copy = webm.slice();
  for (const offset of WEBM_CLUSTER_OFFSETS) {
    if (copy[offset + 4]! >> 6 !== 1) {
      throw new Error(`Cluster at ${offset} has no 2-byte size field`);
    }
    copy[offset + 4] = 0x7f;
    copy[offset + 5] = 0xff;
  }
  return copy;
}
