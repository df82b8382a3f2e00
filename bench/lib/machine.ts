import { readFileSync } from "node:fs";
import { loadavg, release, type as osType, totalmem } from "node:os";

/** CPU model and count from /proc/cpuinfo, kernel, memory and load. */
export function describeMachine(): string {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const models = [...cpuinfo.matchAll(/^model name\s*:\s*(.+)$/gm)].map(
    (m) => m[1]!,
  );
  const model = models[0] ?? "unknown CPU";
  let distro = "";
  try {
    const osRelease = readFileSync("/etc/os-release", "utf8");
    distro = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(osRelease)?.[1] ?? "";
  } catch {
    // Not every system has /etc/os-release.
  }
  const memoryGb = (totalmem() / 2 ** 30).toFixed(1);
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
  return `${models.length} x ${model}; ${memoryGb} GiB RAM; ${distro} (${osType()} ${release()}); Node ${process.version}; load average at start ${load}`;
}
