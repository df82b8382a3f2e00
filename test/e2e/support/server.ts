import { rmSync } from "node:fs";
import {
  startDevServer,
  type DevServer,
} from "../../../scripts/lib/dev-server.ts";

/**
 * SIGKILLs `wrangler dev` (and its workerd child), as a crash or deploy
 * would, then starts it again on the same port over the same state
 * directory, with the same vars.
 */
export async function killAndRestart(
  server: DevServer,
  vars: Record<string, string> = {},
): Promise<DevServer> {
  await server.kill();
  return startDevServer({
    port: server.port,
    persistDir: server.persistDir,
    vars,
  });
}

/** Stops `wrangler dev` and deletes its state directory. */
export async function stopAndRemove(server: DevServer | undefined) {
  if (!server) return;
  await server.stop();
  rmSync(server.persistDir, { recursive: true, force: true });
}
