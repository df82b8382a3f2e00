import { decodeBase64Url, encodeBase64Url } from "./base64url.ts";

/**
 * Signed user tokens: `base64url(JSON claims) "." base64url(HMAC-SHA256)`.
 * This module runs in both the Worker and Node (the token script), so it
 * uses only WebCrypto and the encoding globals both provide.
 */

/** Session claim that lets a token reach every session of its user. */
export const ANY_SESSION = "*";

/** Longest token accepted, in characters; longer input is rejected unparsed. */
export const MAX_TOKEN_CHARS = 2_048;

/** What a user token grants. */
export interface UserClaims {
  /** The user id the token acts as. */
  sub: string;
  /** One session id, or ANY_SESSION. */
  sid: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
}

/** Why a token was rejected, in words safe to send back to the client. */
export type TokenResult =
  { ok: true; claims: UserClaims } | { ok: false; reason: string };

const encoder = new TextEncoder();

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

/** Signs `claims` with `secret` and returns the token text. */
export async function signUserToken(
  claims: UserClaims,
  secret: string,
): Promise<string> {
  const payload = encodeBase64Url(encoder.encode(JSON.stringify(claims)));
  const key = await hmacKey(secret);
  const signature = await crypto.subtle.sign(
    "HMAC",
    key,
    encoder.encode(payload),
  );
  return `${payload}.${encodeBase64Url(new Uint8Array(signature))}`;
}

function parseClaims(bytes: Uint8Array): UserClaims | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { sub, sid, exp } = value as Record<string, unknown>;
  if (typeof sub !== "string" || typeof sid !== "string") return null;
  if (typeof exp !== "number" || !Number.isFinite(exp)) return null;
  return { sub, sid, exp };
}

/**
 * Checks a token's signature and expiry. The signature is checked with
 * `crypto.subtle.verify`, which compares in constant time, before the claims
 * are parsed.
 */
export async function verifyUserToken(
  token: string,
  secret: string,
  nowMs: number,
): Promise<TokenResult> {
  if (token.length > MAX_TOKEN_CHARS) {
    return { ok: false, reason: "token is too long" };
  }
  const parts = token.split(".");
  const payload = parts[0] ?? "";
  const signature = decodeBase64Url(parts[1] ?? "");
  const claimBytes = decodeBase64Url(payload);
  if (parts.length !== 2 || !signature || !claimBytes || payload === "") {
    return { ok: false, reason: "token is malformed" };
  }

  const key = await hmacKey(secret);
  const valid = await crypto.subtle.verify(
    "HMAC",
    key,
    signature,
    encoder.encode(payload),
  );
  if (!valid) return { ok: false, reason: "token signature is invalid" };

  const claims = parseClaims(claimBytes);
  if (!claims) return { ok: false, reason: "token claims are malformed" };
  if (claims.exp * 1000 <= nowMs) {
    return { ok: false, reason: "token has expired; request a new one" };
  }
  return { ok: true, claims };
}

/** True when the claims allow access to `sessionId` of `userId`. */
export function claimsAllow(
  claims: UserClaims,
  userId: string,
  sessionId: string | null,
): boolean {
  if (claims.sub !== userId) return false;
  if (claims.sid === ANY_SESSION) return true;
  return sessionId !== null && claims.sid === sessionId;
}
