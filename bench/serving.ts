/**
 * The serving benchmark: the built server (dist/server.js) as real MCP clients use it, on SQLite and on
 * PostgreSQL, over stdio and Streamable HTTP, with one to three server processes on one database. The unit of
 * work is the five-branch run (bench/lib/requests.ts: mode parallel, approvals [], builtin executor) sent as
 * `start_workflow` with `wait_seconds`, so that the call returns when the run has completed.
 *
 *   1  per-run latency: one process, one client over stdio, sequential runs (after a warm-up), each backend
 *   2  throughput: 1, 2, 3 HTTP server processes on one database, the clients spread over them round-robin,
 *      every client running its runs one after another; runs/s = runs of a round / the round's wall time
 *   3  the one-process rounds of 2: runs/s and per-run latency (median, p95) of 20 concurrent HTTP sessions
 *   4  PostgreSQL sizing over the runs of 1 and more: rows and bytes per run per table, transactions, statements
 *
 * Prints the machine and a Markdown table (then the sizing table) to stdout; progress goes to stderr. The
 * PostgreSQL rows need CONDUCTOR_TEST_POSTGRES_URL (scripts/with-postgres.sh starts a throwaway cluster and sets
 * it); without it they are skipped, with the reason printed. `npm run bench:serving` builds and does both.
 *
 * Environment: BENCH_SERVING_RUNS (30) sequential runs after BENCH_SERVING_WARMUP (5) for 1, continued on
 * PostgreSQL to BENCH_SERVING_SIZING_RUNS (100) for 4;
 * BENCH_SERVING_CLIENTS (20) concurrent sessions, each running BENCH_SERVING_RUNS_PER_CLIENT (5) runs per round,
 * BENCH_SERVING_ROUNDS (5) rounds after one warm-up run per session, for BENCH_SERVING_PROCESSES ("1,2,3")
 * processes, for 2 and 3. See docs/benchmarks.md.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { freshDatabase, POSTGRES_URL } from "../test/helpers/postgres.js";
import { tempDir } from "../test/helpers/server.js";
import { describeMachine } from "./lib/machine.js";
import { probeCpu, processCpuMs, procAvailable, selfCpuMs, treeCpuMs } from "./lib/cpu.js";
import { counters, perRun, pgSnapshot, postmasterPid, untilGone, type Counters, type PerRun } from "./lib/pg-sizing.js";
import { httpServer, httpSession, percentile, stdioServer, timedRun, type HttpServer, type Session, type StdioServer } from "./lib/serving.js";
import { num, renderTable, row, summarize, type Row, type Summary } from "./lib/stats.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
if (!fs.existsSync(path.join(ROOT, "dist/server.js"))) {
  process.stderr.write("dist/ is missing: run `npm run build` first (or `npm run bench:serving`)\n");
  process.exit(1);
}

const int = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
};
const runs = int("BENCH_SERVING_RUNS", 30);
const warmup = int("BENCH_SERVING_WARMUP", 5);
const clients = int("BENCH_SERVING_CLIENTS", 20);
const perClient = int("BENCH_SERVING_RUNS_PER_CLIENT", 5);
const rounds = int("BENCH_SERVING_ROUNDS", 5);
const sizingRuns = Math.max(runs, int("BENCH_SERVING_SIZING_RUNS", 100));
const processCounts = (process.env.BENCH_SERVING_PROCESSES ?? "1,2,3").split(",").map(Number);
if (processCounts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("BENCH_SERVING_PROCESSES must be positive integers separated by commas");

const started = performance.now();
const progress = (line: string) => process.stderr.write(`[bench:serving ${((performance.now() - started) / 1000).toFixed(0)} s] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Backend = "sqlite" | "postgres";
const LABEL: Record<Backend, string> = { sqlite: "SQLite", postgres: "PostgreSQL" };
const SKIP_REASON = POSTGRES_URL ? undefined
  : "CONDUCTOR_TEST_POSTGRES_URL is not set (scripts/with-postgres.sh starts a throwaway cluster and sets it; `npm run bench:serving` runs under it): the PostgreSQL rows are skipped";
const backends: Backend[] = POSTGRES_URL ? ["sqlite", "postgres"] : ["sqlite"];
if (SKIP_REASON) progress(SKIP_REASON);

/** A new, empty database: a SQLite file in a temp directory, or a database of its own on the PostgreSQL server. */
async function newDatabase(backend: Backend): Promise<{ db: string; drop(): Promise<void> }> {
  if (backend === "postgres") {
    const fresh = await freshDatabase("conductor_bench");
    return { db: fresh.url, drop: () => fresh.drop() };
  }
  const dir = tempDir("conductor-bench-serving-");
  return { db: path.join(dir, "conductor.db"), async drop() { fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** A connection of the benchmark's own to `url`, and the cluster's CPU counter when the cluster is on this machine. */
async function adminClient(url: string): Promise<{ client: pg.Client; clusterCpuMs: (() => number) | undefined }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const pid = procAvailable ? await postmasterPid(client) : undefined;
  return { client, clusterCpuMs: pid === undefined ? undefined : () => treeCpuMs(pid) };
}

const perRunMs = (ms: number, n: number) => num(ms / n, 1);
function cpuNote(cpu: { busy: number | undefined; ms: Record<string, number> }, n: number): string {
  const parts = Object.entries(cpu.ms).map(([k, ms]) => `${k} ${perRunMs(ms, n)}`);
  return `CPU ms per run: ${parts.join(", ")}${cpu.busy === undefined ? "" : `; both cores ${Math.round(cpu.busy * 100)}% busy`}`;
}

// ---- 1 and 4: sequential runs over stdio ------------------------------------------------------------------
interface Sequential {
  latency: Summary;
  note: string;
  /** PostgreSQL only: sizes and write transactions over the timed runs. */
  sizing?: PerRun;
  /** PostgreSQL only: pg_stat_database over the server process's whole life (warm-up runs included). */
  counters?: Counters;
  /** PostgreSQL only: what the server sent over the timed runs (the count-pg-queries preload). */
  statements?: { perRun: number; transactions: number; byKind: Array<[string, number]> };
}

/** The counts the count-pg-queries preload writes on SIGUSR2. */
async function queryCounts(pid: number, file: string): Promise<Record<string, number>> {
  fs.rmSync(file, { force: true });
  process.kill(pid, "SIGUSR2");
  for (let i = 0; i < 500 && !fs.existsSync(file); i++) await sleep(10);
  return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, number>;
}

async function sequential(backend: Backend): Promise<Sequential> {
  const { db, drop } = await newDatabase(backend);
  const countsDir = tempDir("conductor-bench-counts-");
  const countsFile = path.join(countsDir, "counts.json");
  const admin = backend === "postgres" ? await adminClient(db) : undefined;
  let server: StdioServer | undefined;
  try {
    const life0 = admin && (await pgSnapshot(admin.client));
    server = await stdioServer(db, admin ? { nodeFlags: ["--import", path.join(ROOT, "bench/lib/count-pg-queries.mjs")], env: { CONDUCTOR_BENCH_QUERY_COUNTS: countsFile } } : {});
    const pid = server.pid;
    for (let i = 0; i < warmup; i++) await timedRun(server.client);
    const before = admin && (await pgSnapshot(admin.client));
    const countsBefore = admin && (await queryCounts(pid, countsFile));
    const groups: Record<string, () => number> = { server: () => processCpuMs(pid) };
    if (admin?.clusterCpuMs) groups.PostgreSQL = admin.clusterCpuMs;
    groups.client = selfCpuMs;
    const cpu = probeCpu(groups);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await timedRun(server.client));
    const used = cpu.stop();
    const result: Sequential = { latency: summarize(times), note: `${runs} sequential runs after ${warmup} warm-up; ${cpuNote(used, runs)}` };
    if (admin && life0 && before && countsBefore) {
      // The sizing window goes on past the timed runs: a table grows by pages, so more runs divide that step finer.
      for (let i = runs; i < sizingRuns; i++) await timedRun(server.client);
      const countsAfter = await queryCounts(pid, countsFile);
      result.sizing = perRun(before, await pgSnapshot(admin.client), sizingRuns);
      const delta = (k: string) => ((countsAfter[k] ?? 0) - (countsBefore[k] ?? 0)) / sizingRuns;
      const kinds = Object.keys(countsAfter).filter((k) => k !== "total" && k !== "transactions")
        .map((k): [string, number] => [k, delta(k)]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
      result.statements = { perRun: delta("total"), transactions: delta("transactions"), byKind: kinds };
      await server.close();
      server = undefined;
      const cluster = new pg.Client({ connectionString: POSTGRES_URL });
      await cluster.connect();
      try {
        const me = (await admin.client.query<{ pid: number; name: string }>("SELECT pg_backend_pid() AS pid, current_database() AS name")).rows[0]!;
        await untilGone(cluster, me.name, me.pid);
      } finally {
        await cluster.end();
      }
      await sleep(200); // the last backend's report, written as it exits
      result.counters = counters(life0, await pgSnapshot(admin.client), warmup + sizingRuns);
    }
    return result;
  } finally {
    await server?.close();
    await admin?.client.end();
    await drop();
    fs.rmSync(countsDir, { recursive: true, force: true });
  }
}

// ---- 2 and 3: concurrent HTTP sessions over 1..3 processes -------------------------------------------------
interface Concurrent {
  backend: Backend;
  processes: number;
  throughput: Summary;
  latencies: number[];
  note: string;
}

async function concurrent(backend: Backend, processes: number): Promise<Concurrent> {
  const { db, drop } = await newDatabase(backend);
  const admin = backend === "postgres" ? await adminClient(db) : undefined;
  const servers: HttpServer[] = [];
  const sessions: Session[] = [];
  try {
    // The first process creates the schema; the others then start together.
    servers.push(await httpServer(db));
    servers.push(...(await Promise.all(Array.from({ length: processes - 1 }, () => httpServer(db)))));
    for (let i = 0; i < clients; i++) sessions.push(await httpSession(servers[i % processes]!.url, `bench-http-${i}`));
    await Promise.all(sessions.map((s) => timedRun(s.client))); // warm-up: one run per session
    const throughput: number[] = [];
    const latencies: number[] = [];
    let cpuMs: Record<string, number> = {};
    let busy = 0;
    for (let r = 0; r < rounds; r++) {
      const groups: Record<string, () => number> = { servers: () => servers.reduce((sum, s) => sum + processCpuMs(s.pid), 0) };
      if (admin?.clusterCpuMs) groups.PostgreSQL = admin.clusterCpuMs;
      groups.clients = selfCpuMs;
      const cpu = probeCpu(groups);
      const t0 = performance.now();
      await Promise.all(sessions.map(async (s) => {
        for (let j = 0; j < perClient; j++) latencies.push(await timedRun(s.client));
      }));
      const seconds = (performance.now() - t0) / 1000;
      const used = cpu.stop();
      throughput.push((clients * perClient) / seconds);
      for (const [k, ms] of Object.entries(used.ms)) cpuMs[k] = (cpuMs[k] ?? 0) + ms;
      busy += used.busy ?? NaN;
    }
    const total = rounds * clients * perClient;
    const note = `latency median ${num(summarize(latencies).median)} ms, p95 ${num(percentile(latencies, 95))} ms; ` +
      cpuNote({ busy: Number.isNaN(busy) ? undefined : busy / rounds, ms: cpuMs }, total);
    return { backend, processes, throughput: summarize(throughput), latencies, note };
  } finally {
    await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
    await Promise.all(servers.map((s) => s.stop()));
    await admin?.client.end();
    await drop();
  }
}

// ---- main ----------------------------------------------------------------------------------------------------
const header = describeMachine();
const loadBefore = os.loadavg()[0]!;
const seq = new Map<Backend, Sequential>();
for (const b of backends) {
  progress(`1: ${LABEL[b]}, one process over stdio: ${warmup} warm-up + ${runs} sequential runs${b === "postgres" && sizingRuns > runs ? ` (+ ${sizingRuns - runs} for the sizing)` : ""}`);
  seq.set(b, await sequential(b));
}
const conc: Concurrent[] = [];
for (const b of backends) {
  for (const p of processCounts) {
    progress(`2: ${LABEL[b]}, ${p} HTTP process(es), ${clients} sessions x ${perClient} runs x ${rounds} rounds`);
    conc.push(await concurrent(b, p));
  }
}
const loadAfter = os.loadavg()[0]!;

const rows: Row[] = [];
for (const b of backends) {
  const s = seq.get(b)!;
  rows.push(row("1", `${LABEL[b]}, 1 process, 1 client over stdio: latency`, s.latency, "ms", s.note));
}
if (seq.has("postgres")) {
  rows.push(row("1", "PostgreSQL / SQLite latency", seq.get("postgres")!.latency.median / seq.get("sqlite")!.latency.median, "x", "ratio of the medians"));
} else {
  rows.push(row("1", "PostgreSQL rows", "skipped", "", SKIP_REASON));
}
for (const c of conc) {
  rows.push(row("2", `${LABEL[c.backend]}, ${c.processes} process${c.processes > 1 ? "es" : ""}, ${clients} HTTP sessions: throughput`, c.throughput, "runs/s", `${rounds} round${rounds > 1 ? "s" : ""} of ${clients} x ${perClient} runs; ${c.note}`));
}
for (const b of backends) {
  const one = conc.find((c) => c.backend === b && c.processes === 1);
  if (!one) continue;
  rows.push(row("3", `${LABEL[b]}, ${clients} HTTP sessions on 1 process: throughput`, one.throughput, "runs/s", "the 1-process rounds of row 2"));
  rows.push(row("3", `${LABEL[b]}, ${clients} HTTP sessions on 1 process: latency`, summarize(one.latencies), "ms", `each session's runs one after another`));
  rows.push(row("3", `${LABEL[b]}, ${clients} HTTP sessions on 1 process: latency p95`, percentile(one.latencies, 95), "ms", `nearest rank of ${one.latencies.length}`));
}
const pgSeq = seq.get("postgres");
if (pgSeq?.sizing && pgSeq.statements && pgSeq.counters) {
  const { sizing: z, statements: q, counters: c } = pgSeq;
  rows.push(row("4", "PostgreSQL: transactions per run", q.transactions, "", `what the server sent over ${z.runs} runs after the warm-up (BEGIN blocks + statements on their own); ${num(z.writeTransactions)} of them wrote (took a transaction id)`));
  rows.push(row("4", "PostgreSQL: transactions committed per run (pg_stat_database)", c.transactions, "", `xact_commit over the server's life (start-up, ${c.runs} runs, shutdown) / ${c.runs}; ${num(c.rollbacks)} rolled back; more than the server sent: the listening connection reads each notification in a transaction`));
  rows.push(row("4", "PostgreSQL: statements sent per run", q.perRun, "", q.byKind.map(([k, n]) => `${k} ${num(n)}`).join(", ")));
  rows.push(row("4", "PostgreSQL: rows inserted / updated / deleted per run", `${num(c.inserted)} / ${num(c.updated)} / ${num(c.deleted)}`, "rows", `pg_stat_database tup_* over the server's life / ${c.runs} (deleted: the pruning of finished runs' checkpoints)`));
  rows.push(row("4", "PostgreSQL: database growth per run", z.databaseBytes / 1024, "KiB", `pg_database_size over ${z.runs} runs after the warm-up`));
}

process.stdout.write(`${header}\nload average (1 min) ${loadBefore.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end\n\n`);
process.stdout.write(`${renderTable(rows)}\n\n`);
if (pgSeq?.sizing) {
  const z = pgSeq.sizing;
  const lines = [
    `PostgreSQL, per run (over ${z.runs} runs after ${warmup} warm-up; finished runs' checkpoints pruned to their last one):`, "",
    "| table | rows per run | bytes per run (pg_total_relation_size) | row data per run (pg_column_size) | rows after | size after |",
    "|---|--:|--:|--:|--:|--:|",
    ...z.tables.map((t) => `| ${t.table} | ${num(t.rows)} | ${num(t.bytes)} | ${num(t.dataBytes)} | ${num(t.rowsAfter, 0)} | ${num(t.bytesAfter / 1024, 0)} KiB |`),
    `| all of them | ${num(z.tables.reduce((a, t) => a + t.rows, 0))} | ${num(z.tables.reduce((a, t) => a + t.bytes, 0))} | ${num(z.tables.reduce((a, t) => a + t.dataBytes, 0))} | | |`,
  ];
  process.stdout.write(`${lines.join("\n")}\n\n`);
}
process.stdout.write(`benchmark wall time ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
