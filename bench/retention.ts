/**
 * What retention does to the SQLite file (`node --import tsx bench/retention.ts [RUNS=200]`): RUNS five-branch runs,
 * then all of them deleted as a retention sweep does (`Storage.deleteRuns` through the run manager), then RUNS more.
 * Prints the file's size and free pages after each step, the time per deleted run, and whether the second batch
 * reused the freed pages (the file does not shrink without VACUUM; it stops growing).
 */
import fs from "node:fs";
import { openConductor, parseStart } from "./lib/conductor.js";
import { describeMachine } from "./lib/machine.js";
import { fiveBranchRequest } from "./lib/requests.js";

const runs = Number(process.argv[2] ?? 200);
const ours = await openConductor();
const args = parseStart(fiveBranchRequest("parallel"));
const { manager } = ours.conductor.context;
const size = () => {
  ours.db.pragma("wal_checkpoint(TRUNCATE)");
  const pages = ours.db.pragma("page_count", { simple: true }) as number;
  const free = ours.db.pragma("freelist_count", { simple: true }) as number;
  return { mib: fs.statSync(ours.dbPath).size / 2 ** 20, pages, free };
};
const show = (label: string, s: ReturnType<typeof size>) =>
  console.log(`${label}: file ${s.mib.toFixed(2)} MiB (${s.pages} pages, ${s.free} free)`);

console.log(describeMachine());
const ids: string[] = [];
for (let i = 0; i < runs; i++) ids.push((await ours.run(args)).runId);
const full = size();
show(`after ${runs} runs`, full);
console.log(`per run: ${((full.pages - full.free) * 4096 / runs / 1024).toFixed(1)} KiB`);

const t0 = performance.now();
for (const id of ids) await manager.delete(id, "local");
const perRun = (performance.now() - t0) / runs;
const emptied = size();
show(`after deleting them with delete_run's path (${perRun.toFixed(1)} ms per run, each with its own WAL truncation)`, emptied);

const sweepIds: string[] = [];
for (let i = 0; i < runs; i++) sweepIds.push((await ours.run(args)).runId);
const again = size();
show(`after ${runs} more runs`, again);
console.log(`the second batch reused the freed pages: the file grew ${(again.mib - full.mib).toFixed(2)} MiB`);
await ours.close();
