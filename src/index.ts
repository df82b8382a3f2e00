import { AutoRouter, type IRequest } from "itty-router";
import { configFor, ConfigError } from "./config.ts";
import type { Env } from "./env.ts";
import { jsonError } from "./http/responses.ts";
import { errorMessage, log } from "./log.ts";
import { downloadRecording } from "./routes/recordings.ts";
import { forwardToSession } from "./routes/sessions.ts";
import { acceptTwilioStream } from "./twilio/media-stream.ts";

export { AudioSession } from "../durable-objects/audio-session.ts";
export { SessionRegistry } from "../durable-objects/session-registry.ts";

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
  .head("/v1/sessions/:sessionId/window", forwardToSession)
  .get("/v1/recordings/:userId/:file", downloadRecording)
  .head("/v1/recordings/:userId/:file", downloadRecording)
  .get("/v1/twilio/stream", acceptTwilioStream);

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
