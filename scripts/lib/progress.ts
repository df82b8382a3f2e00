import type { AudioStreamClient } from "../../src/client/audio-stream-client.ts";

const REDRAW_MS = 100;

/**
 * Returns a progress callback that redraws one status line on stderr at
 * most every 100 ms: a bar, then the client's byte offsets.
 */
export function progressLine(width = 30) {
  let lastDrawAt = 0;
  return (share: number, client: AudioStreamClient) => {
    const now = performance.now();
    if (now - lastDrawAt < REDRAW_MS && share < 1) return;
    lastDrawAt = now;

    const filled = Math.round(share * width);
    const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%`;
    const { sent, received, journaled, uploaded } = client.offsets;
    process.stderr.write(
      `\r${bar} sent ${sent} B, received ${received}, journaled ${journaled}, uploaded ${uploaded}   `,
    );
  };
}
