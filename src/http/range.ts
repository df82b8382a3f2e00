import { jsonError } from "./responses.ts";

/** A satisfiable byte range [start, end) of a representation. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The outcome of reading a Range header (RFC 9110 section 14): serve the
 * whole representation, one range, or 416 when no range overlaps it.
 */
export type RangeRequest =
  | { kind: "full" }
  | { kind: "partial"; range: ByteRange }
  | { kind: "unsatisfiable" };

const BYTE_RANGE = /^(\d*)-(\d*)$/;

/**
 * Parses a Range header against a representation of `size` bytes. A header
 * that is absent, malformed, in another unit or lists several ranges is
 * ignored, as RFC 9110 allows, so the whole representation is served.
 */
export function parseRange(header: string | null, size: number): RangeRequest {
  if (header === null) return { kind: "full" };
  const match = /^\s*bytes\s*=\s*(.+?)\s*$/i.exec(header);
  if (!match || match[1]!.includes(",")) return { kind: "full" };

  const spec = BYTE_RANGE.exec(match[1]!.replace(/\s+/g, ""));
  if (!spec) return { kind: "full" };
  const [, first, last] = spec;
  if (first === "" && last === "") return { kind: "full" };

  if (first === "") {
    // Suffix range: the last N bytes.
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return {
      kind: "partial",
      range: { start: Math.max(0, size - suffix), end: size },
    };
  }

  const start = Number(first);
  const end = last === "" ? size : Number(last) + 1;
  if (last !== "" && end <= start) return { kind: "full" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "partial", range: { start, end: Math.min(end, size) } };
}

/** The representation behind a ranged response: size, headers and body. */
export interface RangedBody {
  size: number;
  /** Headers sent with every status: Content-Type, Content-Disposition, ETag. */
  headers: Record<string, string>;
  /** Returns a stream of bytes [start, end). */
  body(range: ByteRange): ReadableStream<Uint8Array> | Uint8Array;
}

/**
 * Builds the response to GET or HEAD with range support: 200 with the
 * whole body, 206 with Content-Range for one range, or 416 with
 * `Content-Range: bytes *\/size` when the range starts past the end.
 * If-Range with a different entity tag serves the whole body.
 */
export function rangedResponse(request: Request, source: RangedBody): Response {
  const size = source.size;
  const etag = source.headers["etag"];
  const ifRange = request.headers.get("if-range");
  const honorRange =
    ifRange === null || (etag !== undefined && ifRange === etag);
  const wanted = honorRange
    ? parseRange(request.headers.get("range"), size)
    : ({ kind: "full" } as const);

  const headers = new Headers(source.headers);
  headers.set("accept-ranges", "bytes");
  if (wanted.kind === "unsatisfiable") {
    const error = jsonError(
      416,
      "range_not_satisfiable",
      `the requested range starts past the end of this ${size}-byte file; request bytes 0-${Math.max(0, size - 1)} or less`,
    );
    error.headers.set("content-range", `bytes */${size}`);
    error.headers.set("accept-ranges", "bytes");
    return error;
  }

  const range =
    wanted.kind === "partial" ? wanted.range : { start: 0, end: size };
  const length = range.end - range.start;
  headers.set("content-length", String(length));
  if (wanted.kind === "partial") {
    headers.set(
      "content-range",
      `bytes ${range.start}-${range.end - 1}/${size}`,
    );
  }
  const status = wanted.kind === "partial" ? 206 : 200;
  if (request.method === "HEAD" || length === 0) {
    return new Response(null, { status, headers });
  }
  return new Response(source.body(range), { status, headers });
}
