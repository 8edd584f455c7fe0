/**
 * Start-up as a host feels it: the time from spawning a stdio server to its answer to the first `tools/list`
 * (initialize, initialized and tools/list written at once, as hosts do). This server (`dist/server.js` on a fresh SQLite file, no settings) against a bare
 * MCP SDK v2 server with one tool (bench/lib/bare-sdk-server.mjs), spawned in turn, ROUNDS times each
 * (default 15, or the first argument). Target: the median ratio at most 1.3x.
 *
 *   npm run bench:startup [-- ROUNDS]
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeMachine } from "./lib/machine.js";
import { num, renderTable, row, summarize } from "./lib/stats.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SERVER = path.join(ROOT, "dist/server.js");
const BARE = path.join(ROOT, "bench/lib/bare-sdk-server.mjs");
const ROUNDS = Number(process.argv[2] ?? 15);

const OPENING = [
  { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "bench", version: "0" } } },
  { jsonrpc: "2.0", method: "notifications/initialized" },
  { jsonrpc: "2.0", id: 2, method: "tools/list" },
].map((m) => JSON.stringify(m)).join("\n") + "\n";

interface Start { firstListMs: number; tools: number }

/** Spawns `args`, writes the opening, and resolves once tools/list is answered and the process has exited. */
function measure(args: string[]): Promise<Start> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "ignore"] });
    let out = "";
    let answered: { ms: number; tools: number } | undefined;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      for (const line of out.split("\n").slice(0, -1)) {
        const message = JSON.parse(line) as { id?: number; result?: { tools?: unknown[] } };
        if (message.id === 2 && !answered) {
          answered = { ms: performance.now() - started, tools: message.result?.tools?.length ?? 0 };
          child.stdin.end();
        }
      }
      out = out.slice(out.lastIndexOf("\n") + 1);
    });
    child.on("error", reject);
    child.on("exit", () => {
      if (!answered) return reject(new Error(`${args.join(" ")} exited before answering tools/list`));
      resolve({ firstListMs: answered.ms, tools: answered.tools });
    });
    child.stdin.write(OPENING);
  });
}

if (!fs.existsSync(SERVER)) {
  process.stderr.write("dist/ is missing: run `npm run build` first (or `npm run bench:startup`)\n");
  process.exit(1);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conductor-startup-"));
const ours: Start[] = [];
const bare: Start[] = [];
const ratios: number[] = [];
try {
  await measure([BARE]); // warm the file cache for both
  await measure([SERVER, "--db", path.join(dir, "warm.db")]);
  for (let i = 0; i < ROUNDS; i++) {
    const b = await measure([BARE]);
    const o = await measure([SERVER, "--db", path.join(dir, `run-${i}.db`)]);
    bare.push(b);
    ours.push(o);
    ratios.push(o.firstListMs / b.firstListMs);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const ratio = summarize(ratios);
process.stdout.write(`${describeMachine()}\n\n`);
process.stdout.write(renderTable([
  row("1", "bare SDK v2 server: first tools/list answered", summarize(bare.map((s) => s.firstListMs)), "ms", `${bare[0]!.tools} tool`),
  row("2", "conductor-mcp (dist/server.js, new SQLite file): first tools/list answered", summarize(ours.map((s) => s.firstListMs)), "ms", `${ours[0]!.tools} tools`),
  row("3", "ratio 2 / 1, per round", ratio, "x", `target <= 1.3: ${ratio.median <= 1.3 ? "met" : "missed"}`, 2),
]));
process.stdout.write(`\n${ROUNDS} rounds, spawned in turn; median ratio ${num(ratio.median, 2)}x\n`);
