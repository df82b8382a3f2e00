import { describe, expect, it } from "vitest";
import { parseWav } from "../../src/audio/wav.ts";
import {
  openStream,
  patternBytes,
  recordSession,
  request,
} from "./session-helpers.ts";

const RATES = [8_000, 16_000, 44_100, 48_000];
const CHANNELS = [1, 2] as const;

describe("PCM recordings", () => {
  for (const sampleRate of RATES) {
    for (const channels of CHANNELS) {
      it(`serve ${sampleRate} Hz with ${channels} channel(s)`, async () => {
        const sessionId = `pcm-${sampleRate}-${channels}`;
        // A quarter second of audio in whole sample frames.
        const audio = patternBytes((sampleRate / 4) * 2 * channels, sampleRate);
        const format = { encoding: "pcm_s16le", sampleRate, channels };
        await recordSession("pcm-user", sessionId, format, audio);

        const response = await request(
          `/v1/recordings/pcm-user/${sessionId}.wav`,
        );
        expect(response.status).toBe(200);
        const file = new Uint8Array(await response.arrayBuffer());
        const wav = parseWav(file);
        const view = new DataView(file.buffer);
        expect(wav.format.sampleRate).toBe(sampleRate);
        expect(wav.format.channels).toBe(channels);
        expect(view.getUint32(28, true)).toBe(sampleRate * 2 * channels);
        expect(view.getUint16(32, true)).toBe(2 * channels);
        expect(wav.dataBytes).toBe(audio.length);
        expect(file.subarray(wav.dataOffset)).toEqual(audio);
      });
    }
  }

  it("window header carries the declared format", async () => {
    const audio = patternBytes(44_100 * 2 * 2, 7);
    const format = { encoding: "pcm_s16le", sampleRate: 44_100, channels: 2 };
    await recordSession("pcm-user", "pcm-window", format, audio);

    const response = await request(
      "/v1/sessions/pcm-window/window?userId=pcm-user&seconds=0.5",
    );
    expect(response.status).toBe(200);
    const file = new Uint8Array(await response.arrayBuffer());
    const wav = parseWav(file);
    expect(wav.format.sampleRate).toBe(44_100);
    expect(wav.format.channels).toBe(2);
    expect(wav.dataBytes).toBe(22_050 * 4);
    expect(file.subarray(wav.dataOffset)).toEqual(
      audio.subarray(audio.length - 22_050 * 4),
    );
  });

  it("G.711 rejects rates other than 8 kHz", async () => {
    const stream = await openStream("pcm-user", "mulaw-16k", {
      encoding: "mulaw",
      sampleRate: 16_000,
      channels: 1,
    });
    const error = await stream.next("error");
    expect(error.code).toBe("bad_format");
    expect(String(error.message)).toContain("8000 Hz");
  });
});
