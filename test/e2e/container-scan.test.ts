import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  containerStartError,
  scanContainer,
  standaloneInit,
} from "../../src/audio/container.ts";
import {
  FIXTURES,
  readFixture,
  WEBM_CLUSTER_OFFSETS,
  withUnknownClusterSizes,
} from "./fixtures.ts";

const WEBM = readFixture("speech-en-jfk-48k-mono-opus.webm");
const WEBM_FORMAT = {
  encoding: "webm",
  sampleRate: 48_000,
  channels: 1,
} as const;

function offsets(
  kind: "header" | "media",
  found: { offset: number; kind: string }[],
) {
  return found.filter((b) => b.kind === kind).map((b) => b.offset);
}

describe("webm scan", () => {
  it("finds the header and every Cluster", () => {
    const found = scanContainer("webm", WEBM, 0, "header");
    expect(offsets("header", found)).toEqual([0]);
    expect(offsets("media", found)).toEqual(WEBM_CLUSTER_OFFSETS);
  });

  it("finds Clusters of unknown size", () => {
    const chrome = withUnknownClusterSizes(WEBM);
    const found = scanContainer("webm", chrome, 0, "header");
    expect(offsets("media", found)).toEqual(WEBM_CLUSTER_OFFSETS);
  });

  it("finds a second recorder's header", () => {
    for (const first of [WEBM, withUnknownClusterSizes(WEBM)]) {
      const two = new Uint8Array(first.length + WEBM.length);
      two.set(first, 0);
      two.set(WEBM, first.length);
      const found = scanContainer("webm", two, 0, "header");
      expect(offsets("header", found)).toEqual([0, first.length]);
    }
  });

  it("starts mid-stream at a Cluster", () => {
    const from = WEBM_CLUSTER_OFFSETS[3]!;
    const found = scanContainer("webm", WEBM.subarray(from), from, "media");
    expect(offsets("media", found)).toEqual(WEBM_CLUSTER_OFFSETS.slice(3));
  });

  it("stops at an incomplete element", () => {
    const found = scanContainer("webm", WEBM.subarray(0, 5000), 0, "header");
    expect(offsets("media", found)).toEqual([391, 4240]);
  });

  it("marks the Segment size unknown in a standalone init", () => {
    const sized = WEBM.slice(0, 391);
    // Give the Segment (at 36, 8-byte size field at 40) a known size.
    sized.set([0x01, 0, 0, 0, 0, 0, 0x12, 0x34], 40);
    const init = standaloneInit("webm", sized);
    expect([...init.subarray(40, 48)]).toEqual([
      0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ]);
    expect(init.subarray(48)).toEqual(sized.subarray(48));
  });

  it("checks the first bytes of a stream", () => {
    expect(
      containerStartError(WEBM_FORMAT, 0, WEBM.subarray(0, 100)),
    ).toBeNull();
    expect(containerStartError(WEBM_FORMAT, 2, WEBM.subarray(2, 3))).toBeNull();
    expect(containerStartError(WEBM_FORMAT, 4, new Uint8Array([1]))).toBeNull();
    expect(
      containerStartError(WEBM_FORMAT, 0, new Uint8Array([0x4f, 0x67])),
    ).toContain("1a 45 df a3");
  });
});

describe("ogg scan", () => {
  // The same Opus packets remuxed into Ogg by ffmpeg, without re-encoding.
  const dir = mkdtempSync(join(tmpdir(), "ogg-scan-"));
  const path = join(dir, "speech.ogg");
  execFileSync("ffmpeg", [
    "-v",
    "error",
    "-i",
    join(FIXTURES, "speech-en-jfk-48k-mono-opus.webm"),
    "-c",
    "copy",
    "-f",
    "ogg",
    path,
  ]);
  const ogg = new Uint8Array(readFileSync(path));

  it("finds the header pages and media pages", () => {
    const found = scanContainer("ogg", ogg, 0, "header");
    expect(offsets("header", found)).toEqual([0]);
    const media = offsets("media", found);
    expect(media.length).toBeGreaterThan(3);
    // Every media boundary is a page start.
    for (const offset of media) {
      expect(new TextDecoder().decode(ogg.subarray(offset, offset + 4))).toBe(
        "OggS",
      );
    }
    // The header pages carry OpusHead and OpusTags.
    const init = new TextDecoder("latin1").decode(ogg.subarray(0, media[0]));
    expect(init).toContain("OpusHead");
    expect(init).toContain("OpusTags");
  });

  it("finds a second recorder's beginning-of-stream page", () => {
    const two = new Uint8Array(ogg.length * 2);
    two.set(ogg, 0);
    two.set(ogg, ogg.length);
    const found = scanContainer("ogg", two, 0, "header");
    expect(offsets("header", found)).toEqual([0, ogg.length]);
  });
});
