import { BenchSocket } from "../lib/bench-socket.ts";
import type { BenchServer } from "../lib/bench-server.ts";
import type { BenchPlan } from "../lib/plan.ts";
import { SpeechSource } from "../lib/speech-source.ts";
import { bareStreamUrl, sessionStreamUrl } from "../lib/stream-url.ts";
import {
  bareFinalBytes,
  rampSessions,
  sessionFinalBytes,
  type StepResult,
} from "./concurrency.ts";
import {
  buildRecording,
  measureDownload,
  type DownloadResult,
} from "./download.ts";
import { measureIngest, type IngestRun } from "./ingest.ts";
import { measureMemory, type MemoryResult } from "./memory.ts";
import { measureSessionHour, type SessionHourCounts } from "./storage-cost.ts";

const USER_ID = "bench-user";

export interface BenchResults {
  ingest: { session: IngestRun[]; bare: IngestRun[] };
  memory: { session: MemoryResult; bare: MemoryResult };
  download: { short: DownloadResult; long: DownloadResult };
  storage: SessionHourCounts;
  concurrency: { session: StepResult[]; bare: StepResult[] };
}

/** Runs every figure in turn against one server; `log` gets progress lines. */
export async function runFigures(
  bench: BenchServer,
  plan: BenchPlan,
  log: (line: string) => void,
): Promise<BenchResults> {
  const base = bench.server.url;
  const pid = bench.workerdPid;
  const run = `run${Date.now().toString(36)}`;
  const speech = new SpeechSource();
  const openSession = (name: string) =>
    BenchSocket.open(sessionStreamUrl(base, USER_ID, `${run}-${name}`));
  const openBare = (name: string) =>
    BenchSocket.open(bareStreamUrl(base, `${run}-${name}`));

  // Memory goes first: later figures leave freed allocations in workerd
  // that the allocator returns to the system at unpredictable times, which
  // would move the baseline. One short session loads the code first.
  log("warm-up");
  const warm = await openSession("warm-up");
  await warm.stop(30_000);
  warm.close();

  log("3/5 memory per 2-minute window");
  const memory = {
    session: await measureMemory(
      (i) => openSession(`memory-${i}`),
      (socket) => socket.stop(120_000),
      plan.memory.sessions,
      speech,
      pid,
    ),
    bare: await measureMemory(
      (i) => openBare(`memory-${i}`),
      (socket) => socket.stop(120_000),
      plan.memory.sessions,
      speech,
      pid,
    ),
  };

  log("1/5 ingest overhead");
  const ingest: BenchResults["ingest"] = { session: [], bare: [] };
  const { sockets, durationMs, rounds } = plan.ingest;
  for (let round = 0; round < rounds; round++) {
    // Alternating the two objects spreads any drift in machine load over both.
    ingest.bare.push(
      await measureIngest(
        (i) => openBare(`ingest-${round}-${i}`),
        sockets,
        durationMs,
        speech,
        pid,
      ),
    );
    ingest.session.push(
      await measureIngest(
        (i) => openSession(`ingest-${round}-${i}`),
        sockets,
        durationMs,
        speech,
        pid,
      ),
    );
  }

  log("5/5 download (building recordings first)");
  const { shortSeconds, longSeconds } = plan.download;
  const shortRecording = await buildRecording(
    base,
    USER_ID,
    `${run}-short`,
    shortSeconds,
    speech,
  );
  const longRecording = await buildRecording(
    base,
    USER_ID,
    `${run}-long`,
    longSeconds,
    speech,
  );
  const download = {
    short: await measureDownload(base, shortRecording, pid),
    long: await measureDownload(base, longRecording, pid),
  };

  log("4/5 storage operations at real-time pace");
  const storage = await measureSessionHour(base, plan.storage, run, speech);

  log("2/5 concurrency ramp");
  const concurrency = {
    bare: await rampSessions(
      (step, i) => openBare(`ramp-${step}-${i}`),
      bareFinalBytes,
      plan.concurrency.steps,
      plan.concurrency.durationMs,
      speech,
    ),
    session: await rampSessions(
      (step, i) => openSession(`ramp-${step}-${i}`),
      sessionFinalBytes,
      plan.concurrency.steps,
      plan.concurrency.durationMs,
      speech,
    ),
  };
  for (const [name, steps] of Object.entries(concurrency)) {
    for (const step of steps) {
      log(
        `  ${name} ${step.sessions}: staleness p99 ${step.stalenessP99Ms.toFixed(1)} ms, lost ${step.lostBytes} ${step.failure}`,
      );
    }
  }
  return { ingest, memory, download, storage, concurrency };
}
