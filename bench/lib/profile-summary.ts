/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the top functions by self time, with file:line
 * (positions in dist/*.js mapped back to src/*.ts through their source maps), and self time by area.
 *
 *   node --import tsx bench/lib/profile-summary.ts FILE.cpuprofile|DIR [TOP=15]
 *
 * With a directory, the newest run's main-thread .cpuprofile in it is read.
 */
import fs from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface FunctionTime { name: string; location: string; area: string; selfMs: number }

const ROOT = process.cwd();
const maps = new Map<string, SourceMap | null>();

function sourceMapFor(file: string): SourceMap | null {
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    maps.set(file, fs.existsSync(mapFile) ? new SourceMap(JSON.parse(fs.readFileSync(mapFile, "utf8")) as ConstructorParameters<typeof SourceMap>[0]) : null);
  }
  return maps.get(file)!;
}

/** file:line (1-based) of a call frame, in src/ when the frame is in a built file with a source map. */
export function locate(frame: CallFrame): string {
  if (!frame.url) return "(native)";
  if (!frame.url.startsWith("file://")) return `${frame.url}:${frame.lineNumber + 1}`;
  const file = fileURLToPath(frame.url);
  const entry = sourceMapFor(file)?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
    const original = entry.originalSource.startsWith("file://") ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(file), entry.originalSource);
    return `${path.relative(ROOT, original)}:${entry.originalLine + 1}`;
  }
  return `${path.relative(ROOT, file)}:${frame.lineNumber + 1}`;
}

/** Where a frame's code lives: the server's own code, a package, Node itself, or V8 (GC, idle, program). */
export function areaOf(frame: CallFrame): string {
  if (!frame.url) return frame.functionName.startsWith("(") ? frame.functionName : "native (V8 builtins, addons: better-sqlite3)";
  if (frame.url.startsWith("node:")) return "node internals";
  const file = frame.url.startsWith("file://") ? fileURLToPath(frame.url) : frame.url;
  const nm = file.lastIndexOf(`node_modules${path.sep}`);
  if (nm >= 0) {
    const parts = file.slice(nm + "node_modules/".length).split(path.sep);
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const rel = path.relative(ROOT, file);
  return rel.startsWith("dist") || rel.startsWith("src") ? "conductor (dist/ = src/)" : rel.split(path.sep)[0]!;
}

export function selfTimes(profile: CpuProfile): { functions: FunctionTime[]; totalMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // Sample i lasts until sample i + 1 (timeDeltas[i + 1]); the last one until the profile's end.
  let t = profile.startTime;
  const stamps = profile.timeDeltas.map((d) => (t += d));
  profile.samples.forEach((id, i) => {
    const duration = (i + 1 < stamps.length ? stamps[i + 1]! : profile.endTime) - stamps[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, duration));
  });
  const grouped = new Map<string, FunctionTime>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const name = frame.functionName || "(anonymous)";
    const location = locate(frame);
    const key = `${name}@${location}`;
    const entry = grouped.get(key) ?? { name, location, area: areaOf(frame), selfMs: 0 };
    entry.selfMs += us / 1000;
    grouped.set(key, entry);
  }
  return { functions: [...grouped.values()].sort((a, b) => b.selfMs - a.selfMs), totalMs: (profile.endTime - profile.startTime) / 1000 };
}

/**
 * The profile to read: the file given, or in a directory the main thread's profile of the newest run. Node
 * writes one per thread (tsx's loader has a thread of its own), named CPU.<date>.<time>.<pid>.<thread>.<n>.
 */
export function newestProfile(target: string): string {
  if (!fs.statSync(target).isDirectory()) return target;
  const files = fs.readdirSync(target).filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => ({ file: path.join(target, f), mtime: fs.statSync(path.join(target, f)).mtimeMs, id: /^CPU\.\d+\.\d+\.(\d+)\.(\d+)\./.exec(f) }))
    .sort((a, b) => b.mtime - a.mtime);
  if (files.length === 0) throw new Error(`no .cpuprofile in ${target}`);
  const pid = files[0]!.id?.[1];
  return (files.find((f) => f.id?.[1] === pid && f.id?.[2] === "0") ?? files[0]!).file;
}

export function summarizeProfile(file: string, top = 15): string {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const { functions, totalMs } = selfTimes(profile);
  const pct = (ms: number) => `${((100 * ms) / totalMs).toFixed(1)}%`;
  const lines = [`${path.relative(ROOT, file)}: ${(totalMs / 1000).toFixed(1)} s profiled`, "", `| # | self ms | self % | function | file:line |`, "|--:|--:|--:|---|---|"];
  functions.slice(0, top).forEach((f, i) => lines.push(`| ${i + 1} | ${f.selfMs.toFixed(0)} | ${pct(f.selfMs)} | ${f.name} | ${f.location} |`));
  const areas = new Map<string, number>();
  for (const f of functions) areas.set(f.area, (areas.get(f.area) ?? 0) + f.selfMs);
  lines.push("", "| area | self ms | self % |", "|---|--:|--:|");
  for (const [area, ms] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`| ${area} | ${ms.toFixed(0)} | ${pct(ms)} |`);
  return lines.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const target = process.argv[2];
  if (!target) throw new Error("usage: profile-summary.ts FILE.cpuprofile|DIR [TOP]");
  process.stdout.write(`${summarizeProfile(newestProfile(target), Number(process.argv[3] ?? 15))}\n`);
}
