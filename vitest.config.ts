import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** Test-only secrets; tests read them back from `env`. */
const TEST_SECRETS = {
  ADMIN_TOKEN: "test-admin-token-0123456789abcdef0123",
  AUDIO_STORAGE_TOKEN_SECRET: "test-token-secret-0123456789abcdef0123",
  // The plugin also reads .dev.vars, which `npm run dev` creates with
  // development mode on; the tests run as a deployment would.
  AUDIO_STORAGE_DEV_MODE: "false",
};

function workersProject(
  name: string,
  include: string[],
  bindings: Record<string, string>,
) {
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            // A low threshold lets one test cross it with ~1 MB of audio.
            AUDIO_STORAGE_MAX_MEMORY_MB: "1",
            ...TEST_SECRETS,
            ...bindings,
          },
        },
      }),
    ],
    test: { name, include, testTimeout: 30_000 },
  };
}

export default defineConfig({
  test: {
    // Service logs print only for failing tests.
    silent: "passed-only",
    projects: [
      workersProject("workers", ["test/workers/**/*.test.ts"], {}),
      // The registry figures again, with sessions spread over four shards.
      workersProject(
        "workers-sharded",
        ["test/workers/registry-figures.test.ts"],
        { AUDIO_STORAGE_REGISTRY_SHARDS: "4" },
      ),
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "web",
          include: ["test/web/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
