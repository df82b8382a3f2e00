/**
 * Builds the test page and the admin dashboard from web/ into public/, which
 * wrangler serves as static assets (`[assets]` in wrangler.toml). Run by
 * wrangler's `[build]` command before `wrangler dev` and `wrangler deploy`.
 */
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const OUT = join(ROOT, "public");

/** Script bundles: output name under public/assets/ and TypeScript entry. */
const ENTRIES = {
  "audio-storage-test": "web/test-page/main.ts",
  "capture-processor": "web/audio/capture-processor.ts",
  admin: "web/admin/main.ts",
};

/** Files copied as they are: source path and path under public/. */
const STATIC_FILES = [
  ["web/pages/audio-storage-test.html", "audio-storage-test.html"],
  ["web/pages/admin.html", "admin.html"],
  ["web/pages/styles.css", "assets/styles.css"],
  ["web/pages/_headers", "_headers"],
  ["node_modules/uplot/dist/uPlot.min.css", "assets/uPlot.min.css"],
];

async function buildPages(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, "assets"), { recursive: true });

  await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES).map(([name, entry]) => [name, join(ROOT, entry)]),
    ),
    outdir: join(OUT, "assets"),
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: "linked",
    logLevel: "warning",
  });

  for (const [from, to] of STATIC_FILES) {
    cpSync(join(ROOT, from!), join(OUT, to!));
  }
}

await buildPages();
