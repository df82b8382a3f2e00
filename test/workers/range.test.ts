import { beforeAll, describe, expect, it } from "vitest";
import { decodeG711 } from "../../src/audio/g711.ts";
import { parseRange } from "../../src/http/range.ts";
import {
  openStream,
  patternBytes,
  recordSession,
  request,
} from "./session-helpers.ts";

const PCM_FORMAT = { encoding: "pcm_s16le", sampleRate: 16_000, channels: 1 };
const MULAW_FORMAT = { encoding: "mulaw", sampleRate: 8_000, channels: 1 };
const ALAW_FORMAT = { encoding: "alaw", sampleRate: 8_000, channels: 1 };

describe("parseRange", () => {
  it("reads first, open-ended and suffix ranges", () => {
    expect(parseRange("bytes=0-9", 100)).toEqual({
      kind: "partial",
      range: { start: 0, end: 10 },
    });
    expect(parseRange("bytes=90-", 100)).toEqual({
      kind: "partial",
      range: { start: 90, end: 100 },
    });
    expect(parseRange("bytes=-30", 100)).toEqual({
      kind: "partial",
      range: { start: 70, end: 100 },
    });
    expect(parseRange("bytes=-300", 100)).toEqual({
      kind: "partial",
      range: { start: 0, end: 100 },
    });
    expect(parseRange("bytes=50-500", 100)).toEqual({
      kind: "partial",
      range: { start: 50, end: 100 },
    });
  });

  it("rejects ranges past the end", () => {
    expect(parseRange("bytes=100-", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=200-300", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=-0", 100)).toEqual({ kind: "unsatisfiable" });
  });

  it("ignores what it cannot serve as one range", () => {
    expect(parseRange(null, 100)).toEqual({ kind: "full" });
    expect(parseRange("items=0-1", 100)).toEqual({ kind: "full" });
    expect(parseRange("bytes=0-1,5-6", 100)).toEqual({ kind: "full" });
    expect(parseRange("bytes=9-3", 100)).toEqual({ kind: "full" });
    expect(parseRange("bytes=abc", 100)).toEqual({ kind: "full" });
  });
});

describe("recording range requests", () => {
  const pcm = patternBytes(16_000 * 2, 3);
  const mulaw = patternBytes(8_000, 5);
  let pcmFile: Uint8Array;
  let mulawFile: Uint8Array;

  beforeAll(async () => {
    await recordSession("range-user", "range-pcm", PCM_FORMAT, pcm);
    await recordSession("range-user", "range-mulaw", MULAW_FORMAT, mulaw, 160);
    pcmFile = await fullFile("/v1/recordings/range-user/range-pcm.wav");
    mulawFile = await fullFile("/v1/recordings/range-user/range-mulaw.wav");
  });

  async function fullFile(path: string): Promise<Uint8Array> {
    const response = await request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    return new Uint8Array(await response.arrayBuffer());
  }

  async function ranged(path: string, range: string, init: RequestInit = {}) {
    const response = await request(path, {
      ...init,
      headers: { range, ...(init.headers ?? {}) },
    });
    const body = new Uint8Array(await response.arrayBuffer());
    return { response, body };
  }

  it("serves the first bytes", async () => {
    const path = "/v1/recordings/range-user/range-pcm.wav";
    const { response, body } = await ranged(path, "bytes=0-43");
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(
      `bytes 0-43/${pcmFile.length}`,
    );
    expect(response.headers.get("content-length")).toBe("44");
    expect(response.headers.get("content-type")).toBe("audio/wav");
    expect(body).toEqual(pcmFile.subarray(0, 44));
  });

  it("serves a middle range", async () => {
    const path = "/v1/recordings/range-user/range-pcm.wav";
    const { response, body } = await ranged(path, "bytes=1001-20000");
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(
      `bytes 1001-20000/${pcmFile.length}`,
    );
    expect(body).toEqual(pcmFile.subarray(1001, 20001));
  });

  it("serves a suffix range", async () => {
    const path = "/v1/recordings/range-user/range-pcm.wav";
    const { response, body } = await ranged(path, "bytes=-777");
    const size = pcmFile.length;
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(
      `bytes ${size - 777}-${size - 1}/${size}`,
    );
    expect(body).toEqual(pcmFile.subarray(size - 777));
  });

  it("serves an open-ended range", async () => {
    const path = "/v1/recordings/range-user/range-pcm.wav";
    const { response, body } = await ranged(path, "bytes=30000-");
    expect(response.status).toBe(206);
    expect(body).toEqual(pcmFile.subarray(30000));
  });

  it("answers 416 past the end", async () => {
    const path = "/v1/recordings/range-user/range-pcm.wav";
    const { response, body } = await ranged(path, `bytes=${pcmFile.length}-`);
    expect(response.status).toBe(416);
    expect(response.headers.get("content-range")).toBe(
      `bytes */${pcmFile.length}`,
    );
    const error = JSON.parse(new TextDecoder().decode(body)) as {
      error: { code: string };
    };
    expect(error.error.code).toBe("range_not_satisfiable");
  });

  it("answers HEAD with headers only", async () => {
    const path = "/v1/recordings/range-user/range-pcm.wav";
    const response = await request(path, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(pcmFile.length));
    expect(response.headers.get("content-type")).toBe("audio/wav");
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="range-pcm.wav"',
    );
    expect(response.headers.get("etag")).toMatch(/^".+"$/);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it("answers a ranged HEAD with 206", async () => {
    const path = "/v1/recordings/range-user/range-pcm.wav";
    const response = await request(path, {
      method: "HEAD",
      headers: { range: "bytes=10-19" },
    });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-length")).toBe("10");
    expect(response.headers.get("content-range")).toBe(
      `bytes 10-19/${pcmFile.length}`,
    );
  });

  it("serves the whole file when If-Range does not match", async () => {
    const path = "/v1/recordings/range-user/range-pcm.wav";
    const stale = await ranged(path, "bytes=0-9", {
      headers: { "if-range": '"stale"' },
    });
    expect(stale.response.status).toBe(200);
    expect(stale.body.length).toBe(pcmFile.length);

    const etag = stale.response.headers.get("etag")!;
    const fresh = await ranged(path, "bytes=0-9", {
      headers: { "if-range": etag },
    });
    expect(fresh.response.status).toBe(206);
    expect(fresh.body).toEqual(pcmFile.subarray(0, 10));
  });

  it("decodes G.711 in every range, odd bounds included", async () => {
    expect(mulawFile.length).toBe(44 + mulaw.length * 2);
    expect(mulawFile.subarray(44)).toEqual(decodeG711("mulaw", mulaw));

    const path = "/v1/recordings/range-user/range-mulaw.wav";
    for (const [start, end] of [
      [0, 44],
      [45, 46],
      [45, 3001],
      [1000, 1000],
      [mulawFile.length - 3, mulawFile.length - 1],
    ] as const) {
      const { response, body } = await ranged(path, `bytes=${start}-${end}`);
      expect(response.status, `bytes=${start}-${end}`).toBe(206);
      expect(body, `bytes=${start}-${end}`).toEqual(
        mulawFile.subarray(start, end + 1),
      );
    }
  });

  it("rejects the wrong extension", async () => {
    const response = await request("/v1/recordings/range-user/range-pcm.webm");
    expect(response.status).toBe(404);
  });
});

describe("window range requests", () => {
  const audio = patternBytes(8_000 * 2, 9);
  const path = "/v1/sessions/window-mulaw/window?userId=range-user";

  beforeAll(async () => {
    await recordSession("range-user", "window-mulaw", MULAW_FORMAT, audio, 160);
  });

  it("serves ranges of the decoded window", async () => {
    const full = new Uint8Array(await (await request(path)).arrayBuffer());
    expect(full.subarray(44)).toEqual(decodeG711("mulaw", audio));

    const first = await request(path, { headers: { range: "bytes=0-43" } });
    expect(first.status).toBe(206);
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(
      full.subarray(0, 44),
    );

    const middle = await request(path, {
      headers: { range: "bytes=101-2000" },
    });
    expect(middle.status).toBe(206);
    expect(middle.headers.get("content-range")).toBe(
      `bytes 101-2000/${full.length}`,
    );
    expect(new Uint8Array(await middle.arrayBuffer())).toEqual(
      full.subarray(101, 2001),
    );

    const suffix = await request(path, { headers: { range: "bytes=-100" } });
    expect(suffix.status).toBe(206);
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(
      full.subarray(full.length - 100),
    );

    const past = await request(path, {
      headers: { range: `bytes=${full.length + 5}-` },
    });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${full.length}`);
    await past.arrayBuffer();
  });

  it("answers HEAD on the window", async () => {
    const response = await request(path, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(
      String(44 + audio.length * 2),
    );
    expect(response.headers.get("content-type")).toBe("audio/wav");
    expect(response.headers.get("content-disposition")).toContain("window.wav");
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });
});

describe("G.711 gaps", () => {
  it("fill with decoded A-law silence", async () => {
    const audio = patternBytes(800, 11);
    const stream = await openStream("range-user", "alaw-gap", ALAW_FORMAT);
    await stream.next("ready");
    stream.socket.send(audio.slice(0, 400));
    // The client resumes 101 bytes further on: those samples are a gap.
    stream.socket.send(
      JSON.stringify({ type: "start", ...ALAW_FORMAT, offset: 501 }),
    );
    stream.socket.send(audio.slice(400));
    stream.socket.send(JSON.stringify({ type: "stop" }));
    const stopped = await stream.next("stopped");
    expect(stopped.received).toBe(901);

    const path = "/v1/recordings/range-user/alaw-gap.wav";
    const file = new Uint8Array(await (await request(path)).arrayBuffer());
    const expected = new Uint8Array(901);
    expected.set(audio.subarray(0, 400), 0);
    expected.fill(0xd5, 400, 501);
    expected.set(audio.subarray(400), 501);
    expect(file.length).toBe(44 + 901 * 2);
    expect(file.subarray(44)).toEqual(decodeG711("alaw", expected));

    // A range that starts and ends mid-sample inside the gap.
    const { status, body } = await request(path, {
      headers: { range: "bytes=845-1000" },
    }).then(async (r) => ({
      status: r.status,
      body: new Uint8Array(await r.arrayBuffer()),
    }));
    expect(status).toBe(206);
    expect(body).toEqual(file.subarray(845, 1001));
  });
});
