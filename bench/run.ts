// Starts the service locally with bench-only objects, measures ingest
// overhead, concurrency, memory, storage cost and downloads, prints a table
// and writes BENCHMARKS.md (or test-artifacts/BENCHMARKS.quick.md).
//
//   npm run bench [-- --quick]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { format } from "prettier";
import { runFigures } from "./figures/all.ts";
import { startBenchServer } from "./lib/bench-server.ts";
import { describeMachine } from "./lib/machine.ts";
import { FULL_PLAN, QUICK_PLAN } from "./lib/plan.ts";
import { renderMarkdown, summaryRows } from "./lib/report.ts";
import { textTable } from "./lib/format.ts";

const ROOT = join(import.meta.dirname, "..");

const { values } = parseArgs({ options: { quick: { type: "boolean" } } });
const plan = values.quick ? QUICK_PLAN : FULL_PLAN;
const machine = describeMachine();
const startedAt = new Date();

const bench = await startBenchServer();
let exitCode = 0;
try {
  const results = await runFigures(bench, plan, (line) =>
    process.stderr.write(`${line}\n`),
  );
  const elapsedSeconds = (Date.now() - startedAt.getTime()) / 1000;
  console.log(textTable(summaryRows(results)));

  const markdown = renderMarkdown({
    plan,
    machine,
    startedAt,
    elapsedSeconds,
    results,
  });
  const target = values.quick
    ? join(ROOT, "test-artifacts/BENCHMARKS.quick.md")
    : join(ROOT, "BENCHMARKS.md");
  mkdirSync(join(target, ".."), { recursive: true });
  // Formatted as `npm run format` would, so format:check passes on it.
  writeFileSync(target, await format(markdown, { parser: "markdown" }));
  console.log(`wrote ${target} after ${elapsedSeconds.toFixed(0)} s`);
} catch (error) {
  console.error(`bench failed: ${(error as Error).stack}`);
  console.error(`--- wrangler output (last 4,000 characters) ---`);
  console.error(bench.server.output().slice(-4_000));
  exitCode = 1;
} finally {
  await bench.server.stop();
}
process.exit(exitCode);
