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
