import type { IRequest } from "itty-router";
import service from "../../src/index.ts";
import type { Env } from "../../src/env.ts";
import { forwardToSession } from "../../src/routes/sessions.ts";
import type { BareCounter } from "./bare-counter.ts";
import type { CountedAudioSession } from "./counted-session.ts";

export * from "../../src/index.ts";
export { BareCounter } from "./bare-counter.ts";
export { CountedAudioSession } from "./counted-session.ts";

/** Bindings that only the bench configuration declares. */
interface BenchEnv extends Env {
  BARE_COUNTER: DurableObjectNamespace<BareCounter>;
  COUNTED_SESSION: DurableObjectNamespace<CountedAudioSession>;
}

const BARE_ROUTE = /^\/bench\/bare\/([^/]+)$/;
const COUNTED_STREAM_ROUTE =
  /^\/bench\/counted\/v1\/sessions\/([^/]+)\/stream$/;
const COUNTS_ROUTE = /^\/bench\/counted\/counts\/([^/]+)\/([^/]+)$/;

/** Routes /bench/* to the bench objects; every other request goes to the service unchanged. */
async function route(
  request: Request<unknown, IncomingRequestCfProperties>,
  env: BenchEnv,
  ctx: ExecutionContext,
): Promise<Response> {
  const path = new URL(request.url).pathname;

  const bare = BARE_ROUTE.exec(path);
  if (bare) {
    const id = env.BARE_COUNTER.idFromName(decodeURIComponent(bare[1]!));
    return env.BARE_COUNTER.get(id).fetch(request);
  }

  const counted = COUNTED_STREAM_ROUTE.exec(path);
  if (counted) {
    // The service's route parses the path itself, so the bench prefix goes.
    const url = new URL(request.url);
    url.pathname = url.pathname.slice("/bench/counted".length);
    const routed = Object.assign(new Request(url, request), {
      params: { sessionId: decodeURIComponent(counted[1]!) },
    }) as unknown as IRequest;
    const countedEnv: Env = {
      ...env,
      AUDIO_SESSION: env.COUNTED_SESSION as unknown as Env["AUDIO_SESSION"],
    };
    return forwardToSession(routed, countedEnv);
  }

  const counts = COUNTS_ROUTE.exec(path);
  if (counts) {
    const name = `${decodeURIComponent(counts[1]!)}/${decodeURIComponent(counts[2]!)}`;
    const stub = env.COUNTED_SESSION.get(env.COUNTED_SESSION.idFromName(name));
    return Response.json(await stub.benchCounts());
  }

  return service.fetch(request, env, ctx);
}

export default {
  fetch: route,
} satisfies ExportedHandler<BenchEnv>;
