import { createHmac } from "node:crypto";
import { loadDevSecrets } from "./dev-secrets.ts";
import { ANY_SESSION, signUserToken } from "../../src/auth/user-token.ts";

/** Default lifetime of a minted token, in seconds. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3_600;

/** Signs a user token for `userId` and `sessionId` (any session when omitted). */
export function mintUserToken(options: {
  secret: string;
  userId: string;
  sessionId?: string;
  ttlSeconds?: number;
}): Promise<string> {
  const ttl = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  return signUserToken(
    {
      sub: options.userId,
      sid: options.sessionId ?? ANY_SESSION,
      exp: Math.floor(Date.now() / 1000) + ttl,
    },
    options.secret,
  );
}

/**
 * Signs a user token with the local development secret, synchronously with
 * Node's HMAC, in the same format as `signUserToken`. For scripts and tests
 * that build URLs without awaiting.
 */
export function mintDevUserToken(userId: string, sessionId?: string): string {
  const claims = {
    sub: userId,
    sid: sessionId ?? ANY_SESSION,
    exp: Math.floor(Date.now() / 1000) + DEFAULT_TOKEN_TTL_SECONDS,
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const signature = createHmac("sha256", loadDevSecrets().tokenSecret)
    .update(payload)
    .digest("base64url");
  return `${payload}.${signature}`;
}
