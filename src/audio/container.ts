import {
  isContainer,
  type AudioFormat,
  type ContainerEncoding,
} from "./format.ts";

/**
 * Finds the places where a webm or ogg byte stream from MediaRecorder may be
 * cut so that each piece, prefixed with its initialization segment, is a
 * playable file of its own.
 *
 * A scan starts at a known boundary: either a container header (the start of
 * a recorder's output) or a media boundary (a webm Cluster or an ogg page
 * that starts a packet). It reports every boundary it can prove from the
 * bytes it was given and stops at the first element or page that is not
 * complete yet.
 */

/** A boundary in the stream, as an absolute stream offset. */
export interface Boundary {
  offset: number;
  /**
   * "header": a container header, the start of a recorder's output.
   * "media": a cut point before media data (webm Cluster, ogg page).
   */
  kind: "header" | "media";
}

/** Starting point of a scan: a container header or a media boundary. */
export type ScanStart = "header" | "media";

/** The first bytes of each container's stream. */
export const CONTAINER_MAGIC: Record<ContainerEncoding, Uint8Array> = {
  webm: new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]),
  ogg: new Uint8Array([0x4f, 0x67, 0x67, 0x53]),
};

/**
 * True when `bytes` (the stream's first bytes, possibly fewer than 4) are
 * consistent with the container's magic number.
 */
export function startsLikeContainer(
  encoding: ContainerEncoding,
  bytes: Uint8Array,
): boolean {
  const magic = CONTAINER_MAGIC[encoding];
  const length = Math.min(magic.length, bytes.length);
  for (let i = 0; i < length; i++) if (bytes[i] !== magic[i]) return false;
  return true;
}

/** Scans `bytes`, whose first byte is stream offset `base`. */
export function scanContainer(
  encoding: ContainerEncoding,
  bytes: Uint8Array,
  base: number,
  start: ScanStart,
): Boundary[] {
  return encoding === "webm"
    ? scanWebm(bytes, base, start)
    : scanOgg(bytes, base, start);
}

// Matroska element IDs (EBML specification, RFC 8794, and the Matroska
// element registry), with their length-marker bits kept.
const EBML_ID = 0x1a45dfa3;
const SEGMENT_ID = 0x18538067;
const CLUSTER_ID = 0x1f43b675;
/** Children of Segment; any of them ends an unknown-size Cluster. */
const SEGMENT_CHILD_IDS = new Set([
  0x114d9b74, // SeekHead
  0x1549a966, // Info
  0x1654ae6b, // Tracks
  0x1c53bb6b, // Cues
  0x1254c367, // Tags
  0x1043a770, // Chapters
  0x1941a469, // Attachments
  CLUSTER_ID,
]);

interface ElementHeader {
  id: number;
  /** Body size in bytes, or null for an unknown size. */
  size: number | null;
  /** Bytes of ID and size. */
  headerBytes: number;
  /** Bytes of the size field alone. */
  sizeBytes: number;
}

/** Reads an element header at `at`; null when it is incomplete or invalid. */
function readElementHeader(
  bytes: Uint8Array,
  at: number,
): ElementHeader | "invalid" | null {
  const idLength = vintLength(bytes[at]);
  if (idLength === null) return at < bytes.length ? "invalid" : null;
  if (idLength > 4) return "invalid";
  const sizeAt = at + idLength;
  const sizeLength = vintLength(bytes[sizeAt]);
  if (sizeLength === null) return sizeAt < bytes.length ? "invalid" : null;
  if (sizeAt + sizeLength > bytes.length) return null;

  let id = 0;
  for (let i = 0; i < idLength; i++) id = id * 256 + bytes[at + i]!;
  const marker = 0x80 >> (sizeLength - 1);
  let size = bytes[sizeAt]! & (marker - 1);
  let allOnes = size === marker - 1;
  for (let i = 1; i < sizeLength; i++) {
    const byte = bytes[sizeAt + i]!;
    size = size * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return {
    id,
    size: allOnes ? null : size,
    headerBytes: idLength + sizeLength,
    sizeBytes: sizeLength,
  };
}

/** Length of the variable-size integer whose first byte is `first`. */
function vintLength(first: number | undefined): number | null {
  if (first === undefined || first === 0) return null;
  return Math.clz32(first) - 23;
}

type WebmLevel = "top" | "segment" | "cluster";

function scanWebm(
  bytes: Uint8Array,
  base: number,
  start: ScanStart,
): Boundary[] {
  const found: Boundary[] = [];
  let level: WebmLevel = start === "header" ? "top" : "segment";
  let at = 0;
  while (at < bytes.length) {
    const header = readElementHeader(bytes, at);
    if (header === null || header === "invalid") break;
    const { id, size, headerBytes } = header;

    if (id === EBML_ID) {
      found.push({ offset: base + at, kind: "header" });
      level = "top";
    } else if (level === "cluster" && SEGMENT_CHILD_IDS.has(id)) {
      // An unknown-size Cluster ends where the next Segment child begins.
      level = "segment";
      continue;
    } else if (id === SEGMENT_ID) {
      level = "segment";
      at += headerBytes;
      continue;
    } else if (id === CLUSTER_ID) {
      found.push({ offset: base + at, kind: "media" });
      if (size === null) {
        level = "cluster";
        at += headerBytes;
        continue;
      }
    }
    if (size === null) break;
    at += headerBytes + size;
  }
  return found;
}

/** Ogg page header fields (RFC 3533 section 6). */
const OGG_HEADER_BYTES = 27;
const OGG_CONTINUED = 0x01;
const OGG_BEGINNING_OF_STREAM = 0x02;

interface OggPage {
  flags: number;
  /** Granule position: 0 on header pages, -1 when no packet ends here. */
  granule: bigint;
  bytes: number;
}

function readOggPage(
  bytes: Uint8Array,
  at: number,
): OggPage | "invalid" | null {
  if (at + OGG_HEADER_BYTES > bytes.length) {
    return startsLikeContainer("ogg", bytes.subarray(at)) ? null : "invalid";
  }
  if (!startsLikeContainer("ogg", bytes.subarray(at, at + 4))) return "invalid";
  const view = new DataView(
    bytes.buffer,
    bytes.byteOffset + at,
    OGG_HEADER_BYTES,
  );
  const segments = view.getUint8(26);
  if (at + OGG_HEADER_BYTES + segments > bytes.length) return null;
  let body = 0;
  for (let i = 0; i < segments; i++) body += bytes[at + OGG_HEADER_BYTES + i]!;
  return {
    flags: view.getUint8(5),
    granule: view.getBigInt64(6, true),
    bytes: OGG_HEADER_BYTES + segments + body,
  };
}

/**
 * Ogg (RFC 3533): a part starts with beginning-of-stream pages and the
 * codec's header pages, whose granule position is 0 for Opus (RFC 7845
 * section 5). The first page with a positive granule position starts the
 * media. From there on, every page that does not continue a packet is a cut
 * point.
 */
function scanOgg(
  bytes: Uint8Array,
  base: number,
  start: ScanStart,
): Boundary[] {
  const found: Boundary[] = [];
  let inHeaders = start === "header";
  let previousWasBos = false;
  let at = 0;
  while (at < bytes.length) {
    const page = readOggPage(bytes, at);
    if (page === null || page === "invalid") break;

    const bos = (page.flags & OGG_BEGINNING_OF_STREAM) !== 0;
    if (bos && !previousWasBos) {
      found.push({ offset: base + at, kind: "header" });
      inHeaders = true;
    }
    previousWasBos = bos;

    // A page start is a boundary even before the rest of the page arrives.
    if (inHeaders && !bos && page.granule > 0n) {
      found.push({ offset: base + at, kind: "media" });
      inHeaders = false;
    } else if (!inHeaders && (page.flags & OGG_CONTINUED) === 0) {
      found.push({ offset: base + at, kind: "media" });
    }
    at += page.bytes;
  }
  return found;
}

/**
 * Returns a copy of a webm initialization segment with the Segment's size
 * set to unknown, since a stored segment holds only part of the Segment.
 * Ogg initialization segments are returned unchanged.
 */
export function standaloneInit(
  encoding: ContainerEncoding,
  init: Uint8Array,
): Uint8Array {
  const copy = init.slice();
  if (encoding !== "webm") return copy;
  let at = 0;
  while (at < copy.length) {
    const header = readElementHeader(copy, at);
    if (header === null || header === "invalid") break;
    if (header.id === SEGMENT_ID) {
      const sizeAt = at + header.headerBytes - header.sizeBytes;
      markUnknownSize(copy, sizeAt, header.sizeBytes);
      break;
    }
    if (header.size === null) break;
    at += header.headerBytes + header.size;
  }
  return copy;
}

/** Rewrites a size field as EBML's unknown size: every value bit set. */
function markUnknownSize(bytes: Uint8Array, at: number, length: number): void {
  bytes[at] = (0x80 >> (length - 1)) | ((0x80 >> (length - 1)) - 1);
  for (let i = 1; i < length; i++) bytes[at + i] = 0xff;
}

/**
 * Checks the first bytes of a webm or ogg stream: returns an error message
 * when `chunk`, written at stream offset `at`, overlaps the first 4 bytes
 * and does not match the container's magic number. Null for other formats.
 */
export function containerStartError(
  format: AudioFormat,
  at: number,
  chunk: Uint8Array,
): string | null {
  if (!isContainer(format) || at >= 4) return null;
  const magic = CONTAINER_MAGIC[format.encoding];
  const expected = magic.subarray(at);
  if (startsLikeContainer(format.encoding, concatHead(magic, at, chunk))) {
    return null;
  }
  const hex = (bytes: Uint8Array) =>
    [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  return `a ${format.encoding} stream starts with ${hex(magic)}, got ${hex(chunk.subarray(0, expected.length))} at offset ${at}; send the recorder's first chunk first`;
}

/** Returns the magic bytes before `at` followed by the start of `chunk`. */
function concatHead(
  magic: Uint8Array,
  at: number,
  chunk: Uint8Array,
): Uint8Array {
  const head = new Uint8Array(at + Math.min(chunk.length, magic.length));
  head.set(magic.subarray(0, at), 0);
  head.set(chunk.subarray(0, head.length - at), at);
  return head;
}
