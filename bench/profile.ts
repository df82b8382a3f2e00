// Profiles the Worker's isolate while connections push frames as fast as the
// server takes them, and prints the functions with the most self time.
//
//   node bench/profile.ts [--target session|bare] [--seconds N] [--out FILE.cpuprofile]
//
// TODO: after some runs with the inspector attached, wrangler dev kept running
// although stop() returned; check for leftover wrangler processes afterwards.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { measureIngest } from "./figures/ingest.ts";
import { startBenchServer } from "./lib/bench-server.ts";
import { BenchSocket } from "./lib/bench-socket.ts";
import { SpeechSource } from "./lib/speech-source.ts";
import { bareStreamUrl, sessionStreamUrl } from "./lib/stream-url.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values } = parseArgs({
  options: {
    target: { type: "string", default: "session" },
    seconds: { type: "string", default: "5" },
    out: { type: "string" },
  },
});
const seconds = Number(values.seconds);
if (
  !["session", "bare"].includes(values.target!) ||
  !(seconds > 0 && seconds <= 60)
) {
  console.error(
    "usage: node bench/profile.ts [--target session|bare] [--seconds 1-60] [--out FILE]",
  );
  process.exit(2);
}

/** Connects to the inspector and returns a minimal DevTools protocol client. */
async function connectInspector(port: number) {
  const targets = (await (
    await fetch(`http://127.0.0.1:${port}/json`)
  ).json()) as Array<{
    webSocketDebuggerUrl: string;
  }>;
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`the inspector on port ${port} lists no target`);
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  ws.on("message", (data) => {
    const message = JSON.parse(String(data)) as {
      id?: number;
      result?: unknown;
    };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { call, close: () => ws.close() };
}

function selfTimes(profile: CpuProfile): Array<[string, number]> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const file = frame?.url.split("/").pop() ?? "";
    const name = `${frame?.functionName || "(anonymous)"} ${file}:${(frame?.lineNumber ?? 0) + 1}`;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

const bench = await startBenchServer();
try {
  const inspector = await connectInspector(bench.server.inspectorPort);
  await inspector.call("Profiler.enable");
  await inspector.call("Profiler.setSamplingInterval", { interval: 100 });
  const speech = new SpeechSource();
  const run = `profile${Date.now().toString(36)}`;
  const open = (i: number) =>
    BenchSocket.open(
      values.target === "bare"
        ? bareStreamUrl(bench.server.url, `${run}-${i}`)
        : sessionStreamUrl(bench.server.url, "bench-user", `${run}-${i}`),
    );
  await inspector.call("Profiler.start");
  const result = await measureIngest(
    open,
    4,
    seconds * 1000,
    speech,
    bench.workerdPid,
  );
  const { profile } = (await inspector.call("Profiler.stop")) as {
    profile: CpuProfile;
  };
  inspector.close();

  if (values.out) writeFileSync(values.out, JSON.stringify(profile));
  const rows = selfTimes(profile);
  const total = rows.reduce((sum, [, us]) => sum + us, 0);
  console.log(
    `${values.target}: ${result.framesPerSecond.toFixed(0)} frames/s; self time by function:`,
  );
  for (const [name, us] of rows.slice(0, 25)) {
    console.log(
      `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    );
  }
} finally {
  await bench.server.stop();
}
