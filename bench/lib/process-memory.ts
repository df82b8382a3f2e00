import { readdirSync, readFileSync } from "node:fs";

/** Reads one `kB` field of /proc/PID/status and returns it in bytes. */
function statusBytes(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no ${field} line`);
  return Number(match[1]) * 1024;
}

/** Resident set size of a process, in bytes. */
export function residentBytes(pid: number): number {
  return statusBytes(pid, "VmRSS");
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name sits in parentheses and may hold spaces; fields follow it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[1]);
}

function commandOf(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
}

/** Process ids of every descendant of `root` whose command line names workerd. */
export function workerdDescendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      parents.set(pid, parentOf(pid));
    } catch {
      // The process exited while the table was read.
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (
      let at = parents.get(pid);
      at !== undefined && at > 1;
      at = parents.get(at)
    ) {
      if (at === root) return true;
    }
    return false;
  };
  return [...parents.keys()].filter(
    (pid) => isDescendant(pid) && /workerd/.test(commandOf(pid)),
  );
}

/**
 * Finds the workerd process that runs the Worker and its objects. wrangler 4
 * starts two: a proxy that listens on the dev server's port and forwards to
 * a second workerd, which runs the Worker and has an inspector port.
 */
export function findWorkerd(root: number, port: number): number {
  const pids = workerdDescendants(root);
  const workers = pids.filter(
    (pid) => !commandOf(pid).includes(`entry=127.0.0.1:${port} `),
  );
  if (workers.length !== 1) {
    throw new Error(
      `expected one workerd running the Worker under wrangler pid ${root}, found ${workers.length} among [${pids.join(", ")}]`,
    );
  }
  return workers[0]!;
}

/** Process ids of the wrangler process and every descendant, for CPU accounting. */
export function processTree(root: number): number[] {
  const tree = [root];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === root) continue;
    try {
      for (let at = parentOf(pid); at > 1; at = parentOf(at)) {
        if (at === root) {
          tree.push(pid);
          break;
        }
      }
    } catch {
      // The process exited while the table was read.
    }
  }
  return tree;
}

/** CPU time a process has used so far (user plus system), in milliseconds. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
