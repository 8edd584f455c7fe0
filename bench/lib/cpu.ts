/**
 * Where the CPU goes while a measurement runs (Linux /proc; elsewhere every reader answers undefined): the
 * machine's busy share, a process's user + system time, and a PostgreSQL cluster's (its postmaster, the
 * children it reaped, and its live backends and helpers).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

const HAS_PROC = fs.existsSync("/proc/stat");
const TICK_MS = (() => {
  try {
    return 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
  } catch {
    return 10;
  }
})();

/** Fields after the command of /proc/PID/stat (field 3, the state, is index 0), or undefined if it is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return s.slice(s.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** User + system CPU ms of a live process (all its threads); 0 if it is gone. */
export function processCpuMs(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) * TICK_MS : 0;
}

/** CPU ms of a process, the children it has reaped, and its live children: for the postmaster, the whole cluster. */
export function treeCpuMs(pid: number): number {
  const f = statFields(pid);
  if (!f) return 0;
  let ms = (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const c = statFields(Number(entry));
    if (c && Number(c[1]) === pid) ms += (Number(c[11]) + Number(c[12])) * TICK_MS;
  }
  return ms;
}

/** The machine's CPU counters: total and idle (+ iowait) ms summed over all cores. */
export function machineCpu(): { total: number; idle: number } | undefined {
  if (!HAS_PROC) return undefined;
  const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  return { total: total * TICK_MS, idle: (line[3]! + line[4]!) * TICK_MS };
}

export interface CpuProbe {
  /** Busy share of all cores since the probe started (0..1), and CPU ms per group. */
  stop(): { busy: number | undefined; ms: Record<string, number> };
}

/**
 * Starts counting: `groups` maps a name to a function answering that group's CPU ms so far (e.g. the sum of
 * processCpuMs over the server processes); `stop` answers the differences.
 */
export function probeCpu(groups: Record<string, () => number>): CpuProbe {
  const m0 = machineCpu();
  const g0 = Object.fromEntries(Object.entries(groups).map(([k, f]) => [k, f()]));
  return {
    stop() {
      const m1 = machineCpu();
      const ms = Object.fromEntries(Object.entries(groups).map(([k, f]) => [k, f() - g0[k]!]));
      const busy = m0 && m1 && m1.total > m0.total ? 1 - (m1.idle - m0.idle) / (m1.total - m0.total) : undefined;
      return { busy, ms };
    },
  };
}

/** This process's own CPU ms (user + system). */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export const procAvailable = HAS_PROC;
