/**
 * The in-process five-branch loop (measurement 1a) for a CPU profile:
 *
 *   npm run build && node --cpu-prof --cpu-prof-dir=bench/.profiles --import tsx bench/profile-five-branch.ts [RUNS]
 *   node --import tsx bench/lib/profile-summary.ts bench/.profiles
 *
 * Runs RUNS (default 500) five-branch runs (approvals [], builtin, mode parallel) one after another on a
 * fresh database, after five warm-up runs, and prints their median latency; node writes the .cpuprofile on exit.
 */
import { openConductor, parseStart } from "./lib/conductor.js";
import { fiveBranchRequest } from "./lib/requests.js";
import { num, summarize } from "./lib/stats.js";

const runs = Number(process.argv[2] ?? 500);
const c = await openConductor();
try {
  const args = parseStart(fiveBranchRequest("parallel"));
  for (let i = 0; i < 5; i++) await c.run(args);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push((await c.run(args)).ms);
  const s = summarize(ms);
  process.stdout.write(`${runs} five-branch runs in-process: median ${num(s.median)} ms (min ${num(s.min)}, max ${num(s.max)})\n`);
} finally {
  await c.close();
}
