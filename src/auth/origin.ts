import { configFor } from "../config.ts";
import type { Env } from "../env.ts";
import { jsonError } from "../http/responses.ts";

/**
 * Checks the `Origin` header of a WebSocket upgrade, which browsers always
 * send. Pages on the service's own origin and on AUDIO_STORAGE_ALLOWED_ORIGINS
 * pass. Requests without the header come from non-browser clients, which
 * cannot be tricked into sending a user's credentials, and pass too.
 */
export function checkOrigin(
  request: Request,
  env: Env,
  url: URL,
): Response | null {
  const origin = request.headers.get("origin");
  if (origin === null) return null;

  const normalized = origin.toLowerCase();
  if (normalized === url.origin.toLowerCase()) return null;
  if (configFor(env).allowedOrigins.includes(normalized)) return null;
  return jsonError(
    403,
    "origin_not_allowed",
    `origin ${JSON.stringify(origin)} may not open stream sockets: add it to AUDIO_STORAGE_ALLOWED_ORIGINS`,
  );
}
