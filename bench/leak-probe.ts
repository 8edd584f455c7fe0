/** Retained heap per run: heap after GC at two points of a sequential loop. node --expose-gc --import tsx bench/leak-probe.ts [runs] */
import { openConductor, parseStart } from "./lib/conductor.js";
import { fiveBranchRequest } from "./lib/requests.js";

const runs = Number(process.argv[2] ?? 600);
const c = await openConductor();
const gc = (globalThis as { gc?: () => void }).gc!;
const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
for (let i = 0; i < 50; i++) await c.run(parseStart(fiveBranchRequest()));
const h0 = heap();
for (let i = 0; i < runs; i++) await c.run(parseStart(fiveBranchRequest()));
const h1 = heap();
process.stdout.write(`retained ${((h1 - h0) / runs / 1024).toFixed(2)} KiB per run over ${runs} runs (heap ${(h0 / 2 ** 20).toFixed(1)} -> ${(h1 / 2 ** 20).toFixed(1)} MiB)\n`);
await c.close();
