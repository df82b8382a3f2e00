import { createExecutionContext } from "cloudflare:test";
import worker from "../../../src/index.ts";
import type { Env } from "../../../src/env.ts";

/**
 * Calls the Worker's fetch handler with a changed `env`, for settings and
 * bindings the test configuration fixes for every other test.
 */
export function fetchWithEnv(request: Request, env: Env): Promise<Response> {
  // A test request carries no edge `cf` properties; the handler reads none.
  const incoming = request as Request<unknown, IncomingRequestCfProperties>;
  return worker.fetch(incoming, env, createExecutionContext());
}
