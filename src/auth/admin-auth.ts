import type { Env } from "../env.ts";
import { jsonError } from "../http/responses.ts";
import { readSecret } from "./secrets.ts";

const encoder = new TextEncoder();

/**
 * Compares two strings in time that depends on neither their contents nor
 * their lengths: both are hashed to 32 bytes first, and every byte pair is
 * compared without an early exit.
 */
export async function constantTimeEqual(
  a: string,
  b: string,
): Promise<boolean> {
  const [left, right] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  const x = new Uint8Array(left);
  const y = new Uint8Array(right);
  let difference = 0;
  for (let i = 0; i < x.length; i++) difference |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return difference === 0;
}

/** Returns the bearer token of an `Authorization` header, or null. */
export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (!header) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * Checks the admin bearer token. Returns null when the request may proceed,
 * or the error response: 503 without a usable ADMIN_TOKEN, 401 otherwise.
 */
export async function requireAdmin(
  request: Request,
  env: Env,
): Promise<Response | null> {
  const secret = readSecret(env, "ADMIN_TOKEN");
  if (secret instanceof Response) return secret;

  const token = bearerToken(request);
  if (token === null) {
    return unauthorized("missing `Authorization: Bearer <ADMIN_TOKEN>` header");
  }
  if (!(await constantTimeEqual(token, secret))) {
    return unauthorized("the admin token is invalid");
  }
  return null;
}

function unauthorized(message: string): Response {
  const response = jsonError(401, "unauthorized", message);
  response.headers.set("www-authenticate", 'Bearer realm="audio-storage"');
  return response;
}
