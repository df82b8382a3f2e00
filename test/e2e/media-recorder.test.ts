import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintUserToken } from "../../scripts/lib/mint-token.ts";
import {
  startDevServer,
  type DevServer,
} from "../../scripts/lib/dev-server.ts";
import {
  AudioStreamClient,
  type ClientEvent,
} from "../../src/client/audio-stream-client.ts";
import { FIXTURES, readFixture, withUnknownClusterSizes } from "./fixtures.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const USER_ID = "recorder-user";
/** Chunk size that splits Clusters, pages and blocks at arbitrary bytes. */
const CHUNK_BYTES = 1_500;
/** Bytes of the first upload window of each recorder before waiting. */
const FIRST_SEND_BYTES = 21_000;

type Container = "webm" | "ogg";

/** The manifest fields these tests read (src/storage/manifest.ts). */
interface Manifest {
  complete: boolean;
  totalBytes: number;
  parts?: Array<{ start: number; initBytes: number }>;
  segments: Array<{
    key: string;
    start: number;
    end: number;
    prefixBytes?: number;
  }>;
}

/** Runs ffmpeg over a file and returns what it printed at level error. */
function ffmpegErrors(path: string): string {
  const result = spawnSync(
    "ffmpeg",
    ["-v", "error", "-i", path, "-f", "null", "-"],
    { encoding: "utf8" },
  );
  const status = result.status === 0 ? "" : `exit ${result.status}\n`;
  return `${status}${result.stderr}`;
}

/** Decodes a file to 48 kHz mono PCM16 with ffmpeg. */
function decodePcm(path: string): Buffer {
  return execFileSync(
    "ffmpeg",
    ["-v", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", "48000", "-"],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}

/** Reads an object from the dev server's local R2 with wrangler. */
function readObject(server: DevServer, key: string, file: string): Uint8Array {
  execFileSync(
    join(ROOT, "node_modules/.bin/wrangler"),
    [
      "r2",
      "object",
      "get",
      `session-audio/${key}`,
      "--local",
      "--persist-to",
      server.persistDir,
      "--file",
      file,
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        WRANGLER_SEND_METRICS: "false",
        WRANGLER_SEND_ERROR_REPORTS: "false",
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  return new Uint8Array(readFileSync(file));
}

/**
 * Streams two recorders' output into one session in small chunks: half of
 * the first, an upload, the rest of it and half of the second, another
 * upload, then the rest and a stop. Returns the uploaded ranges.
 */
async function recordTwoRecorders(
  server: DevServer,
  encoding: Container,
  sessionId: string,
  first: Uint8Array,
  second: Uint8Array,
): Promise<Array<{ start: number; end: number }>> {
  const uploads: Array<{ start: number; end: number }> = [];
  let wake: (() => void) | null = null;
  const url = new URL(
    `${server.url.replace(/^http/, "ws")}/v1/sessions/${sessionId}/stream`,
  );
  url.searchParams.set(
    "token",
    await mintUserToken({ secret: server.tokenSecret, userId: USER_ID }),
  );
  const client = new AudioStreamClient({
    url: url.toString(),
    format: { encoding, sampleRate: 48_000, channels: 1 },
    onEvent: (event: ClientEvent) => {
      if (event.type !== "uploaded") return;
      uploads.push({ start: event.start, end: event.end });
      wake?.();
    },
  });
  await client.connect();

  const waitForUploads = async (count: number) => {
    for (let i = 0; i < 100 && uploads.length < count; i++) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
    expect(uploads.length).toBeGreaterThanOrEqual(count);
  };
  const sendChunks = (bytes: Uint8Array, from: number, to: number) => {
    for (let at = from; at < to; at += CHUNK_BYTES) {
      client.send(bytes.subarray(at, Math.min(at + CHUNK_BYTES, to)));
    }
  };

  sendChunks(first, 0, FIRST_SEND_BYTES);
  await waitForUploads(1);
  sendChunks(first, FIRST_SEND_BYTES, first.length);
  sendChunks(second, 0, FIRST_SEND_BYTES);
  await waitForUploads(2);
  sendChunks(second, FIRST_SEND_BYTES, second.length);
  await client.stop();
  return uploads;
}

/**
 * Checks every stored segment object: it contains its stream bytes, prefixed
 * with its part's initialization segment unless it starts the part, and
 * ffmpeg decodes it without an error.
 */
function checkSegments(
  server: DevServer,
  dir: string,
  manifest: Manifest,
  sources: Uint8Array[],
  encoding: Container,
): void {
  const parts = manifest.parts!;
  for (const [index, segment] of manifest.segments.entries()) {
    const partIndex = parts.findLastIndex((p) => p.start <= segment.start);
    const part = parts[partIndex]!;
    const source = sources[partIndex]!;
    const path = join(dir, `segment-${index}.${encoding}`);
    const object = readObject(server, segment.key, path);
    const prefix = segment.start === part.start ? 0 : part.initBytes;

    expect(segment.prefixBytes ?? 0, segment.key).toBe(prefix);
    expect(object.subarray(0, prefix), segment.key).toEqual(
      source.subarray(0, prefix),
    );
    expect(object.subarray(prefix), segment.key).toEqual(
      source.subarray(segment.start - part.start, segment.end - part.start),
    );
    expect(ffmpegErrors(path), segment.key).toBe("");
    expect(decodePcm(path).length, segment.key).toBeGreaterThan(0);
  }
  // Each part has a segment that starts mid-part, so prefixes are tested.
  for (const [index, part] of parts.entries()) {
    const end = parts[index + 1]?.start ?? manifest.totalBytes;
    const prefixed = manifest.segments.filter(
      (s) => s.start > part.start && s.start < end && (s.prefixBytes ?? 0) > 0,
    );
    expect(prefixed.length, `part ${index + 1}`).toBeGreaterThan(0);
  }
}

/** Downloads each part and compares it with the recorder's own output. */
async function checkDownloads(
  server: DevServer,
  dir: string,
  sessionId: string,
  sources: Uint8Array[],
  encoding: Container,
): Promise<void> {
  const token = await mintUserToken({
    secret: server.tokenSecret,
    userId: USER_ID,
  });
  for (const [index, source] of sources.entries()) {
    const label = `part ${index + 1}`;
    const part = index === 0 ? "" : `&part=${index + 1}`;
    const query = `?token=${token}${part}`;
    const response = await fetch(
      `${server.url}/v1/recordings/${USER_ID}/${sessionId}.${encoding}${query}`,
    );
    expect(response.status, label).toBe(200);
    expect(response.headers.get("content-type")).toBe(`audio/${encoding}`);
    expect(response.headers.get("x-recording-parts")).toBe("2");
    const body = new Uint8Array(await response.arrayBuffer());
    expect(Buffer.from(body).equals(Buffer.from(source)), label).toBe(true);

    const path = join(dir, `download-${index + 1}.${encoding}`);
    writeFileSync(path, body);
    expect(ffmpegErrors(path), label).toBe("");
    const reference = join(dir, `reference-${index + 1}.${encoding}`);
    writeFileSync(reference, source);
    expect(decodePcm(path).equals(decodePcm(reference)), label).toBe(true);
  }

  const missing = await fetch(
    `${server.url}/v1/recordings/${USER_ID}/${sessionId}.${encoding}?part=3&token=${token}`,
  );
  expect(missing.status).toBe(404);
  await missing.arrayBuffer();
}

function readManifest(
  server: DevServer,
  dir: string,
  sessionId: string,
): Manifest {
  const key = `audio-sessions/${USER_ID}/${sessionId}/manifest.json`;
  const bytes = readObject(server, key, join(dir, `${sessionId}.json`));
  return JSON.parse(new TextDecoder().decode(bytes)) as Manifest;
}

describe("MediaRecorder streams", () => {
  let server: DevServer;
  const dir = mkdtempSync(join(tmpdir(), "recorder-e2e-"));

  beforeAll(async () => {
    server = await startDevServer({
      vars: { AUDIO_STORAGE_UPLOAD_INTERVAL_MS: "1000" },
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("stores two webm recorders as two playable parts", async () => {
    const sessionId = "webm-two-recorders";
    const first = readFixture("speech-en-jfk-48k-mono-opus.webm");
    // The second recorder writes Clusters of unknown size, as Chrome does.
    const second = withUnknownClusterSizes(first);
    const uploads = await recordTwoRecorders(
      server,
      "webm",
      sessionId,
      first,
      second,
    );

    // Cuts fall on Cluster starts and on the second header, never mid-Cluster.
    expect(uploads[0]).toEqual({ start: 0, end: 19_660 });
    expect(uploads.some((u) => u.end === first.length)).toBe(true);
    expect(uploads.at(-1)!.end).toBe(first.length + second.length);

    const manifest = readManifest(server, dir, sessionId);
    expect(manifest.complete).toBe(true);
    expect(manifest.parts).toEqual([
      { start: 0, initBytes: 391 },
      { start: first.length, initBytes: 391 },
    ]);
    checkSegments(server, dir, manifest, [first, second], "webm");
    await checkDownloads(server, dir, sessionId, [first, second], "webm");
  });

  it("stores two ogg recorders as two playable parts", async () => {
    const sessionId = "ogg-two-recorders";
    // The same Opus packets remuxed into Ogg by ffmpeg, without re-encoding.
    const oggPath = join(dir, "speech.ogg");
    execFileSync("ffmpeg", [
      "-v",
      "error",
      "-i",
      join(FIXTURES, "speech-en-jfk-48k-mono-opus.webm"),
      "-c",
      "copy",
      "-f",
      "ogg",
      oggPath,
    ]);
    const ogg = new Uint8Array(readFileSync(oggPath));
    const uploads = await recordTwoRecorders(
      server,
      "ogg",
      sessionId,
      ogg,
      ogg,
    );
    expect(uploads.some((u) => u.end === ogg.length)).toBe(true);

    const manifest = readManifest(server, dir, sessionId);
    expect(manifest.complete).toBe(true);
    expect(manifest.parts?.map((p) => p.start)).toEqual([0, ogg.length]);
    const init = new TextDecoder("latin1").decode(
      ogg.subarray(0, manifest.parts![0]!.initBytes),
    );
    expect(init).toContain("OpusHead");
    expect(init).toContain("OpusTags");
    checkSegments(server, dir, manifest, [ogg, ogg], "ogg");
    await checkDownloads(server, dir, sessionId, [ogg, ogg], "ogg");
  });
});
