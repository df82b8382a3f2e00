import { scanContainer, standaloneInit } from "../audio/container.ts";
import type { ContainerEncoding } from "../audio/format.ts";
import type { ContainerStore, StoredPart } from "../storage/container-store.ts";
import type { SegmentRange, SessionAudio } from "./session-audio.ts";

/** The next webm or ogg segment to upload: stream bytes and the object body. */
export interface ContainerSegment {
  range: SegmentRange;
  /** The initialization segment prepended to the stream bytes, or empty. */
  prefix: Uint8Array;
  body: Uint8Array;
}

/**
 * Chooses the next container segment. It starts at the uploaded offset and
 * ends at the last media boundary (webm Cluster, ogg page) found in the
 * pending bytes, or at the next container header, which starts a new part.
 * Without a boundary it waits for more audio, unless the upload is `final`
 * (the session is stopping) or `maxBytes` are pending, when it takes all.
 *
 * Parts and their initialization segments are recorded as they are found.
 * A segment that does not start its part is prefixed with the part's
 * initialization segment, so every stored object plays on its own.
 */
export function nextContainerSegment(
  encoding: ContainerEncoding,
  containers: ContainerStore,
  audio: SessionAudio,
  final: boolean,
  maxBytes: number,
): ContainerSegment | null {
  const pending = audio.nextSegment(maxBytes);
  if (!pending) return null;

  const parts = containers.parts();
  if (parts.length === 0 && pending.start === 0) {
    parts.push({ start: 0, init: new Uint8Array(0) });
    containers.savePart(parts[0]!);
  }
  const part = partAt(parts, pending.start);
  const atHeader = part?.start === pending.start;
  const bytes = audio.read(pending);
  const end = chooseEnd(encoding, containers, part, atHeader, pending, bytes, {
    final,
    full: pending.end - pending.start >= maxBytes,
  });
  if (end === null) return null;

  const range = { start: pending.start, end };
  const prefix =
    part && !atHeader && part.init.length > 0
      ? standaloneInit(encoding, part.init)
      : new Uint8Array(0);
  const body = new Uint8Array(prefix.length + end - pending.start);
  body.set(prefix, 0);
  body.set(bytes.subarray(0, end - pending.start), prefix.length);
  return { range, prefix, body };
}

/** Returns the last part that starts at or before `offset`. */
function partAt(parts: StoredPart[], offset: number): StoredPart | undefined {
  let found: StoredPart | undefined;
  for (const part of parts) if (part.start <= offset) found = part;
  return found;
}

/**
 * Scans the pending bytes and returns where the segment ends, or null to
 * wait. Records a new part at a second container header and the current
 * part's initialization segment at its first media boundary.
 */
function chooseEnd(
  encoding: ContainerEncoding,
  containers: ContainerStore,
  part: StoredPart | undefined,
  atHeader: boolean,
  pending: SegmentRange,
  bytes: Uint8Array,
  options: { final: boolean; full: boolean },
): number | null {
  const boundaries = scanContainer(
    encoding,
    bytes,
    pending.start,
    atHeader ? "header" : "media",
  );
  let initEnd = atHeader ? null : pending.start;
  let lastCut: number | null = null;
  for (const boundary of boundaries) {
    if (boundary.offset <= pending.start) continue;
    if (boundary.kind === "header") {
      // A new recorder: its bytes become a new part, never spliced in.
      containers.savePart({ start: boundary.offset, init: new Uint8Array(0) });
      return boundary.offset;
    }
    if (initEnd === null && part) {
      initEnd = boundary.offset;
      const init = bytes.slice(
        part.start - pending.start,
        initEnd - pending.start,
      );
      containers.savePart({ start: part.start, init });
      continue;
    }
    lastCut = boundary.offset;
  }
  if (options.final || options.full) return pending.end;
  return lastCut;
}
