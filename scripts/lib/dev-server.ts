import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadDevSecrets } from "./dev-secrets.ts";

/** A `wrangler dev` process on a loopback port, with local R2 and Durable Objects. */
export interface DevServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Port of wrangler's DevTools inspector for the Worker. */
  inspectorPort: number;
  /** Process id of wrangler, which leads the process group holding workerd. */
  pid: number;
  persistDir: string;
  /** The admin bearer token the server runs with. */
  adminToken: string;
  /** The key the server verifies user tokens with; mint tokens with it. */
  tokenSecret: string;
  /** Output wrangler printed so far, for diagnostics. */
  output(): string;
  /** Stops the process gracefully and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills the process at once, as a crash or deploy would. */
  kill(): Promise<void>;
}

export interface DevServerOptions {
  port?: number;
  /** Wrangler configuration file, relative to the repository root. */
  configPath?: string;
  /** Reuse a state directory, to restart over the same storage. */
  persistDir?: string;
  /** Extra environment variables for wrangler, such as X_LOCAL_OBSERVABILITY. */
  env?: Record<string, string>;
  /** Extra `[vars]` overrides, such as AUDIO_STORAGE_UPLOAD_INTERVAL_MS. */
  vars?: Record<string, string>;
  /** Milliseconds to wait for the server to respond. */
  startTimeoutMs?: number;
}

const ROOT = resolve(import.meta.dirname, "../..");

/** Returns a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts `wrangler dev` on 127.0.0.1 and resolves once it serves requests. */
export async function startDevServer(
  options: DevServerOptions = {},
): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const persistDir =
    options.persistDir ?? mkdtempSync(join(tmpdir(), "audio-dev-"));
  const inspectorPort = await freePort();
  const args = [
    "dev",
    "--local",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    persistDir,
    "--test-scheduled",
    "--show-interactive-dev-session=false",
    "--inspector-port",
    String(inspectorPort),
  ];
  if (options.configPath) args.push("--config", options.configPath);
  // The development secrets go in as variables, so the server runs with
  // them whether or not .dev.vars exists; `options.vars` may override them.
  const secrets = loadDevSecrets();
  const vars = { ...secrets.vars, ...options.vars };
  for (const [name, value] of Object.entries(vars)) {
    args.push("--var", `${name}:${value}`);
  }

  const child = spawn(join(ROOT, "node_modules/.bin/wrangler"), args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...options.env,
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_SEND_ERROR_REPORTS: "false",
      CI: "true",
      PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH ?? ""}`,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));

  const url = `http://127.0.0.1:${port}`;
  const server: DevServer = {
    url,
    port,
    inspectorPort,
    pid: child.pid!,
    persistDir,
    adminToken: vars.ADMIN_TOKEN ?? secrets.adminToken,
    tokenSecret: vars.AUDIO_STORAGE_TOKEN_SECRET ?? secrets.tokenSecret,
    output: () => output,
    stop: () => terminate(child, "SIGTERM"),
    kill: () => terminate(child, "SIGKILL"),
  };
  try {
    await waitUntilServing(url, child, options.startTimeoutMs ?? 90_000);
  } catch (error) {
    await server.kill();
    throw new Error(
      `${(error as Error).message}\n--- wrangler output ---\n${output}`,
    );
  }
  return server;
}

async function waitUntilServing(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    }
    let response: Response | null = null;
    try {
      response = await fetch(`${url}/healthz`);
    } catch {
      // Not listening yet.
    }
    if (response?.ok) return;
    const body = response ? await response.text() : "";
    // An invalid setting fails every request; waiting longer cannot help.
    if (body.includes('"config_invalid"')) {
      throw new Error(`wrangler dev rejected its configuration: ${body}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `wrangler dev did not respond on ${url} within ${timeoutMs} ms`,
  );
}

/** Signals the whole process group, since wrangler starts workerd as a child. */
async function terminate(
  child: ChildProcess,
  signal: NodeJS.Signals,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
  const timeout = new Promise<void>((r) => setTimeout(r, 10_000));
  await Promise.race([exited, timeout]);
  if (child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
    await exited;
  }
}
