import type { UserSessions } from "../../durable-objects/user-sessions.ts";
import type { Env } from "../env.ts";

/** The object that counts one user's concurrent sessions. */
export function userSessionsFor(
  env: Env,
  userId: string,
): DurableObjectStub<UserSessions> {
  return env.USER_SESSIONS.get(env.USER_SESSIONS.idFromName(userId));
}
