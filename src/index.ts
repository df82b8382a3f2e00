import { AutoRouter, type IRequest } from "itty-router";
import { configFor, ConfigError } from "./config.ts";
import type { Env } from "./env.ts";
import { jsonError } from "./http/responses.ts";
import { errorMessage, log } from "./log.ts";
import { retentionScheduled } from "./retention.ts";
import { ADMIN_BASE, adminHandlers } from "./routes/admin.ts";
import { downloadRecording } from "./routes/recordings.ts";
import { forwardToSession } from "./routes/sessions.ts";

export { AudioSession } from "../durable-objects/audio-session.ts";
export { SessionRegistry } from "../durable-objects/session-registry.ts";
export { UserSessions } from "../durable-objects/user-sessions.ts";

const router = AutoRouter<IRequest, [Env, ExecutionContext]>({
  catch: (error) => {
    if (error instanceof ConfigError) {
      log.error("config_invalid", { error: error.message });
      return jsonError(500, "config_invalid", error.message);
    }
    log.error("request_failed", { error: errorMessage(error) });
    return jsonError(500, "internal_error", "the request failed");
  },
  missing: () => jsonError(404, "not_found", "no such route"),
});

router
  .all("*", (_request, env: Env) => {
    // Parse the configuration once up front so a bad value fails every route clearly.
    configFor(env);
  })
  .get("/healthz", () => Response.json({ ok: true }))
  .get("/v1/sessions/:sessionId/stream", forwardToSession)
  .get("/v1/sessions/:sessionId/window", forwardToSession)
  .get("/v1/recordings/*", downloadRecording)
  .get(`${ADMIN_BASE}/stats`, adminHandlers.stats)
  .get(`${ADMIN_BASE}/files/*`, adminHandlers.listFiles)
  .get(`${ADMIN_BASE}/download/*`, adminHandlers.download)
  .delete(`${ADMIN_BASE}/files/*`, adminHandlers.deleteFile)
  .post(`${ADMIN_BASE}/cleanup`, adminHandlers.cleanup);

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
  scheduled: (controller, env) => retentionScheduled(controller, env),
} satisfies ExportedHandler<Env>;
