/**
 * Worker for measurement 4 (one fan-out size per process): `node --import tsx bench/scale-worker.ts N REPEATS`.
 * Builds the server in-process on a fresh database, warms it with five five-branch fan-out runs, then runs
 * REPEATS runs of N branches (lib/requests.ts fanOutRequest) one after another, and prints one JSON line:
 * each run's milliseconds, the checkpoint bytes of each run's thread, the RSS before the first measured run
 * and the process's peak RSS.
 */
import { checkpointBytes } from "./lib/footprint.js";
import { openConductor, parseStartUncapped } from "./lib/conductor.js";
import { fanOutRequest } from "./lib/requests.js";
import { peakRss, rss } from "./lib/rss.js";

export interface ScaleResult {
  branches: number;
  ms: number[];
  checkpointBytes: number[];
  checkpoints: number;
  events: number;
  baselineRss: number;
  peakRss: number;
}

const branches = Number(process.argv[2]);
const repeats = Number(process.argv[3] ?? 1);
if (!Number.isInteger(branches) || branches < 1 || !Number.isInteger(repeats) || repeats < 1) throw new Error("usage: scale-worker.ts BRANCHES REPEATS");

const c = await openConductor(undefined, { maxTasks: Math.max(500, branches) });
try {
  for (let i = 0; i < 5; i++) await c.run(parseStartUncapped(fanOutRequest(5)));
  const baselineRss = rss();
  const result: ScaleResult = { branches, ms: [], checkpointBytes: [], checkpoints: 0, events: 0, baselineRss, peakRss: 0 };
  for (let i = 0; i < repeats; i++) {
    const args = parseStartUncapped(fanOutRequest(branches));
    const { runId, ms } = await c.run(args);
    result.ms.push(ms);
    result.checkpointBytes.push(checkpointBytes(c.db, runId));
    result.checkpoints = (c.db.prepare("SELECT count(*) AS n FROM checkpoints WHERE thread_id = ?").get(runId) as { n: number }).n;
    result.events = await c.conductor.context.timeline.total(runId);
  }
  result.peakRss = peakRss();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await c.close();
}
