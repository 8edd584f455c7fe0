/**
 * Measurement 4, timeline pages: a run with 10,000 timeline events (one real five-branch run, its events
 * replayed under new keys until the run has 10,000), then get_timeline pages of 200 through MCP, at the
 * start (since 0) and at the end (since total - 200), alternating; the same two pages read in-process from
 * the TimelineStore show what SQLite alone costs. Paging is O(page size) when both cost the same.
 */
import fs from "node:fs";
import { call, connect } from "../test/helpers/server.js";
import { openConductor, parseStart, tempDir } from "./lib/conductor.js";
import { fiveBranchRequest } from "./lib/requests.js";
import { num, row, summarize, type Row } from "./lib/stats.js";

interface Page { events: Array<{ seq: number }>; next_since: number; total: number }

export async function measureTimeline(opts: { events: number; page: number; repeats: number }): Promise<Row[]> {
  const dir = tempDir();
  const c = await openConductor(dir);
  const { timeline } = c.conductor.context;
  const { runId } = await c.run(parseStart(fiveBranchRequest("parallel")));
  const real = await timeline.page(runId, 0, 1000);
  for (let n = await timeline.total(runId), batch = 0; n < opts.events; batch++) {
    const events = Array.from({ length: Math.min(500, opts.events - n) }, (_, i) => {
      const e = real[(n + i) % real.length]!;
      return { key: `bench-fill:${batch}:${i}`, event: e.event, ...(e.node ? { node: e.node } : {}), ...(e.branch_id ? { branch_id: e.branch_id } : {}), ...(e.data ? { data: e.data } : {}) };
    });
    n += await timeline.append(runId, events);
  }
  const total = await timeline.total(runId);
  const at = { start: 0, end: total - opts.page };
  const local = { start: [] as number[], end: [] as number[] };
  for (let i = 0; i < opts.repeats; i++) {
    for (const k of ["start", "end"] as const) {
      const t0 = performance.now();
      const page = await timeline.page(runId, at[k], opts.page);
      local[k].push(performance.now() - t0);
      if (page.length !== opts.page) throw new Error(`in-process page at ${at[k]} has ${page.length} events`);
    }
  }
  await c.close(true);

  const mcp = await connect({ dbPath: c.dbPath, args: ["--log-level", "error", "--pool-cpu", "8", "--pool-memory-mb", "8192"] });
  const remote = { start: [] as number[], end: [] as number[] };
  try {
    for (let i = 0; i < opts.repeats + 5; i++) {
      for (const k of ["start", "end"] as const) {
        const t0 = performance.now();
        const page = await call<Page>(mcp.client, "get_timeline", { run_id: runId, since: at[k], limit: opts.page });
        const ms = performance.now() - t0;
        if (page.events.length !== opts.page || page.total !== total) throw new Error(`MCP page at ${at[k]}: ${page.events.length} events of ${page.total}`);
        if (i >= 5) remote[k].push(ms); // the first five of each are a warm-up
      }
    }
  } finally {
    await mcp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const ratio = summarize(remote.end).median / summarize(remote.start).median;
  const same = ratio >= 0.8 && ratio <= 1.25;
  const size = `${num(total, 0)} events, pages of ${opts.page}`;
  return [
    row("4t", `get_timeline through MCP, first page (since 0)`, summarize(remote.start), "ms", size),
    row("4t", `get_timeline through MCP, last page (since ${num(at.end, 0)})`, summarize(remote.end), "ms", ""),
    row("4t", "last page / first page, through MCP", ratio, "x", `target: the same cost (0.8–1.25x): ${same ? "MET" : "MISSED"}`, 2),
    row("4t", "TimelineStore.page in-process, first page", summarize(local.start), "ms", "the SQLite read alone", 3),
    row("4t", "TimelineStore.page in-process, last page", summarize(local.end), "ms", "", 3),
  ];
}
