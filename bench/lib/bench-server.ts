import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  startDevServer,
  type DevServer,
} from "../../scripts/lib/dev-server.ts";
import { findWorkerd } from "./process-memory.ts";

const ROOT = join(import.meta.dirname, "../..");

/** The running bench Worker and the workerd process that hosts its objects. */
export interface BenchServer {
  server: DevServer;
  /** Process id of the workerd that runs the Worker and its objects. */
  workerdPid: number;
}

/**
 * Reads the `[vars]` table of wrangler.toml. Every value there is a quoted
 * string on one line, which is all this parser accepts.
 */
export function productionVars(): Record<string, string> {
  const text = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const section = /^\[vars\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text);
  if (!section) throw new Error("wrangler.toml has no [vars] table");

  const vars: Record<string, string> = {};
  for (const line of section[1]!.split("\n")) {
    const entry = /^\s*([A-Z0-9_]+)\s*=\s*"([^"]*)"\s*$/.exec(line);
    if (entry) vars[entry[1]!] = entry[2]!;
  }
  return vars;
}

/** Starts the bench Worker with the production settings on a loopback port. */
export async function startBenchServer(): Promise<BenchServer> {
  const server = await startDevServer({
    configPath: "bench/wrangler.bench.toml",
    // One load-generating user stands in for many real users, so the
    // per-user session limit is lifted above the largest step.
    vars: { ...productionVars(), AUDIO_STORAGE_MAX_SESSIONS_PER_USER: "10000" },
    // wrangler 4 traces every event, each WebSocket message included, into a
    // local trace store in the same workerd. Production has no such
    // collector, and it costs about 8 KB of memory per message here.
    env: { X_LOCAL_OBSERVABILITY: "false" },
  });
  try {
    const workerdPid = findWorkerd(server.pid, server.port);
    return { server, workerdPid };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
