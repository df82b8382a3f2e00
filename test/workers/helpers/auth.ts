import { env } from "cloudflare:workers";
import { ANY_SESSION, signUserToken } from "../../../src/auth/user-token.ts";

/** Signs a user token with the test secret; expires in an hour unless `ttlSeconds` sets another lifetime. */
export function userToken(
  userId: string,
  sessionId: string = ANY_SESSION,
  options: { ttlSeconds?: number; secret?: string } = {},
): Promise<string> {
  return signUserToken(
    {
      sub: userId,
      sid: sessionId,
      exp: Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? 3_600),
    },
    options.secret ?? env.AUDIO_STORAGE_TOKEN_SECRET!,
  );
}

export function adminHeaders(token = env.ADMIN_TOKEN!): HeadersInit {
  return { authorization: `Bearer ${token}` };
}

export async function userHeaders(
  userId: string,
  sessionId?: string,
): Promise<HeadersInit> {
  return { authorization: `Bearer ${await userToken(userId, sessionId)}` };
}

/** Reads a JSON error body and returns its code. */
export async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { error?: { code?: string } };
  return body.error?.code ?? "(no error code)";
}
