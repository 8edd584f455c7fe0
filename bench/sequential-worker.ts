/**
 * Worker for measurement 5: `node --import tsx bench/sequential-worker.ts RUNS SECONDS`. Builds the server
 * in-process on a fresh database, runs one five-branch run to warm up, then five-branch runs (approvals [],
 * builtin, mode parallel) one after another on the same database until RUNS have run or SECONDS have passed,
 * and prints one JSON line: every run's milliseconds, the RSS and the heap (after a GC, with --expose-gc)
 * after the warm-up and at the end, and the database file sizes at the end.
 */
import fs from "node:fs";
import { openConductor, parseStart } from "./lib/conductor.js";
import { fiveBranchRequest } from "./lib/requests.js";
import { peakRss, rss } from "./lib/rss.js";

export interface SequentialResult {
  asked: number;
  runs: number;
  stoppedByTime: boolean;
  ms: number[];
  wallMs: number;
  rssStart: number;
  rssEnd: number;
  peakRss: number;
  heapStart: number;
  heapEnd: number;
  dbBytes: number;
  walBytes: number;
}

const asked = Number(process.argv[2]);
const seconds = Number(process.argv[3] ?? Infinity);
if (!Number.isInteger(asked) || asked < 1 || !(seconds > 0)) throw new Error("usage: sequential-worker.ts RUNS SECONDS");

const size = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);
/** Heap retained: after a full collection when node runs with --expose-gc. */
const heap = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
};
const c = await openConductor();
try {
  const args = parseStart(fiveBranchRequest("parallel"));
  await c.run(args);
  const heapStart = heap();
  const rssStart = rss();
  const ms: number[] = [];
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  while (ms.length < asked && performance.now() < deadline) ms.push((await c.run(args)).ms);
  const wallMs = performance.now() - t0;
  const heapEnd = heap();
  const result: SequentialResult = {
    asked, runs: ms.length, stoppedByTime: ms.length < asked, ms, wallMs, rssStart, rssEnd: rss(), peakRss: peakRss(), heapStart, heapEnd,
    dbBytes: size(c.dbPath), walBytes: size(`${c.dbPath}-wal`),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await c.close();
}
