import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWav } from "../../src/audio/wav.ts";
import {
  startDevServer,
  type DevServer,
} from "../../scripts/lib/dev-server.ts";
import { mintUserToken } from "../../scripts/lib/mint-token.ts";
import { FIXTURES, readFixture } from "./fixtures.ts";

const FIXTURE = "speech-en-jfk-8k-mulaw.ul";
/** 20 ms of 8 kHz mu-law, the frame Twilio sends. */
const FRAME_BYTES = 160;
const FRAME_MS = 20;
const STREAM_SID = "MZ00000000000000000000000000000001";
const USER_ID = "twilio-user";

/** Frames each track leaves out, as [first, end) frame indexes. */
const GAPS = { inbound: [100, 125], outbound: [250, 265] } as const;

type Track = keyof typeof GAPS;

/**
 * The fixture decoded by ffmpeg's pcm_mulaw decoder: a reference that shares
 * no code with the service.
 */
function referenceDecode(): Int16Array {
  const pcm = execFileSync("ffmpeg", [
    "-v",
    "error",
    "-f",
    "mulaw",
    "-ar",
    "8000",
    "-ac",
    "1",
    "-i",
    join(FIXTURES, FIXTURE),
    "-f",
    "s16le",
    "-",
  ]);
  return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
}

/** Each track's audio: inbound is the fixture, outbound the fixture rotated by 3 s. */
function trackAudio(audio: Uint8Array, track: Track): Uint8Array {
  if (track === "inbound") return audio;
  const shift = 3 * 8_000;
  const rotated = new Uint8Array(audio.length);
  rotated.set(audio.subarray(shift), 0);
  rotated.set(audio.subarray(0, shift), audio.length - shift);
  return rotated;
}

/** Builds the Media Streams messages of a call with both tracks and a gap in each. */
function buildMessages(audio: Uint8Array, token: string): string[] {
  let sequence = 1;
  const messages: object[] = [
    { event: "connected", protocol: "Call", version: "1.0.0" },
    {
      event: "start",
      sequenceNumber: String(sequence++),
      streamSid: STREAM_SID,
      start: {
        accountSid: "AC00000000000000000000000000000001",
        streamSid: STREAM_SID,
        callSid: "CA00000000000000000000000000000001",
        tracks: ["inbound", "outbound"],
        customParameters: { token },
        mediaFormat: {
          encoding: "audio/x-mulaw",
          sampleRate: 8000,
          channels: 1,
        },
      },
    },
  ];
  const frames = audio.length / FRAME_BYTES;
  const chunks: Record<Track, number> = { inbound: 0, outbound: 0 };
  for (let frame = 0; frame < frames; frame++) {
    for (const track of ["inbound", "outbound"] as const) {
      const [gapStart, gapEnd] = GAPS[track];
      if (frame >= gapStart && frame < gapEnd) continue;
      const bytes = trackAudio(audio, track).subarray(
        frame * FRAME_BYTES,
        (frame + 1) * FRAME_BYTES,
      );
      const media = {
        event: "media",
        sequenceNumber: String(sequence++),
        streamSid: STREAM_SID,
        media: {
          track,
          // Numeric fields are strings, as Twilio sends them.
          chunk: String(++chunks[track]),
          timestamp: String(frame * FRAME_MS),
          payload: Buffer.from(bytes).toString("base64"),
        },
      };
      messages.push(media);
      // One repeated message must not be stored twice.
      if (frame === 7) messages.push(media);
    }
    if (frame === 40) {
      messages.push({
        event: "dtmf",
        streamSid: STREAM_SID,
        sequenceNumber: String(sequence++),
        dtmf: { track: "inbound_track", digit: "5" },
      });
    }
    if (frame === 60) {
      messages.push({
        event: "mark",
        streamSid: STREAM_SID,
        sequenceNumber: String(sequence++),
        mark: { name: "greeting-played" },
      });
    }
  }
  messages.push({
    event: "stop",
    sequenceNumber: String(sequence++),
    streamSid: STREAM_SID,
    stop: {
      accountSid: "AC00000000000000000000000000000001",
      callSid: "CA00000000000000000000000000000001",
    },
  });
  return messages.map((message) => JSON.stringify(message));
}

/** Expected samples of a track: the reference with the gap as silence. */
function expectedTrack(reference: Int16Array, track: Track): Int16Array {
  const rotated =
    track === "inbound"
      ? reference
      : Int16Array.from([
          ...reference.subarray(24_000),
          ...reference.subarray(0, 24_000),
        ]);
  const expected = rotated.slice();
  const [gapStart, gapEnd] = GAPS[track];
  const samplesPerFrame = FRAME_BYTES;
  // Mu-law silence (0xFF) decodes to 0.
  expected.fill(0, gapStart * samplesPerFrame, gapEnd * samplesPerFrame);
  return expected;
}

describe("Twilio Media Streams", () => {
  let server: DevServer;
  let token: string;

  beforeAll(async () => {
    server = await startDevServer();
    token = await mintUserToken({
      secret: server.tokenSecret,
      userId: USER_ID,
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("stores both tracks with their gaps", async () => {
    const audio = readFixture(FIXTURE);
    const messages = buildMessages(audio, token);
    const socket = new WebSocket(
      `${server.url.replace(/^http/, "ws")}/v1/twilio/stream`,
    );
    const closed = new Promise<number>((resolve) =>
      socket.addEventListener("close", (event) => resolve(event.code)),
    );
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve());
      socket.addEventListener("error", () =>
        reject(new Error("socket failed")),
      );
    });
    for (const message of messages) socket.send(message);
    // The service closes the socket once both tracks are stored.
    expect(await closed).toBe(1000);

    const reference = referenceDecode();
    expect(reference.length).toBe(audio.length);
    for (const track of ["inbound", "outbound"] as const) {
      const response = await fetch(
        `${server.url}/v1/recordings/${USER_ID}/${STREAM_SID}-${track}.wav?token=${token}`,
      );
      expect(response.status, track).toBe(200);
      expect(response.headers.get("x-recording-complete")).toBe("true");
      const file = new Uint8Array(await response.arrayBuffer());
      const wav = parseWav(file);
      expect(wav.format).toEqual({
        encoding: "pcm_s16le",
        sampleRate: 8000,
        channels: 1,
      });
      const data = file.slice(wav.dataOffset, wav.dataOffset + wav.dataBytes);
      const samples = new Int16Array(data.buffer, 0, data.length / 2);
      const expected = expectedTrack(reference, track);
      expect(samples.length, track).toBe(expected.length);
      expect(
        Buffer.from(samples.buffer).equals(Buffer.from(expected.buffer)),
        track,
      ).toBe(true);
    }
  });

  it("answers HEAD and ranges over HTTP", async () => {
    const url = `${server.url}/v1/recordings/${USER_ID}/${STREAM_SID}-inbound.wav?token=${token}`;
    const size = 44 + 88_000 * 2;
    const head = await fetch(url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(size));
    expect(head.headers.get("accept-ranges")).toBe("bytes");
    expect(head.headers.get("content-type")).toBe("audio/wav");

    const middle = await fetch(url, { headers: { range: "bytes=1001-2000" } });
    expect(middle.status).toBe(206);
    expect(middle.headers.get("content-range")).toBe(`bytes 1001-2000/${size}`);
    expect(middle.headers.get("content-length")).toBe("1000");
    expect((await middle.arrayBuffer()).byteLength).toBe(1000);

    const past = await fetch(url, { headers: { range: `bytes=${size}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${size}`);
    await past.arrayBuffer();
  });
});
