/**
 * The run resources: the list of runs, and per run its state, its timeline and its graph.
 * The per-run URIs are resource templates that list and complete run ids.
 */
import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { SessionContext } from "../server-context.js";
import { boundedJson, type Shrink } from "./bounded-json.js";
import { runGraphMermaid } from "./run-graph.js";

const RUNS_URI = "orchestrator://runs";

type RunState = { completed_branches: Record<string, { findings: unknown[]; statistics?: unknown[] } & Record<string, unknown>> } & Record<string, unknown>;
const eachBranch = (state: RunState, f: (b: RunState["completed_branches"][string]) => Record<string, unknown>) =>
  ({ ...state, completed_branches: Object.fromEntries(Object.entries(state.completed_branches).map(([k, b]) => [k, f(b)])) }) as RunState;

/** A run of hundreds of branches with big tables can outgrow a client's limit: its details go first. */
const RUN_STATE_SHRINKS: Shrink<RunState>[] = [
  {
    note: "each branch's findings and statistics cut to its best 3 (findings_total, statistics_total say how many it has)",
    apply: (state) => eachBranch(state, (b) => ({
      ...b, findings: b.findings.slice(0, 3), findings_total: b.findings.length,
      ...(b.statistics ? { statistics: b.statistics.slice(0, 3), statistics_total: b.statistics.length } : {}),
    })),
  },
  {
    note: "branches listed without findings or statistics (the report has the best of them)",
    apply: (state) => eachBranch(state, ({ findings: _f, statistics: _s, ...rest }) => rest),
  },
];

/** The client sees its principal's runs only; another principal's run id is an unknown one. */
export function registerRunResources(server: McpServer, ctx: SessionContext): void {
  const list = async () => ({
    resources: (await ctx.runs.list(ctx.principal)).map((r) => ({
      uri: `${RUNS_URI}/${r.run_id}`, name: r.run_id, title: `${r.status}: ${r.objective.slice(0, 80)}`, mimeType: "application/json",
    })),
  });
  const complete = { run_id: (value: string) => ctx.runs.idsStartingWith(ctx.principal, value) };
  const runId = async (vars: Record<string, string | string[]>) => {
    const id = decodeURIComponent(String(vars.run_id));
    await ctx.manager.requireRun(id, ctx.principal);
    return id;
  };
  const json = (uri: URL, value: unknown) => ({ contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(value, null, 2) }] });

  server.registerResource("runs", RUNS_URI, {
    title: "Workflow runs", description: "Every run, newest first: id, status, objective, created_at, updated_at", mimeType: "application/json",
  }, async (uri) => json(uri, { runs: await ctx.runs.list(ctx.principal) }));

  server.registerResource("run", new ResourceTemplate(`${RUNS_URI}/{run_id}`, { list, complete }), {
    title: "Workflow run state",
    description: "A run's whole state: its RunStatus fields plus tasks and completed_branches (findings best first)",
    mimeType: "application/json",
  }, async (uri, vars) => {
    const id = await runId(vars);
    const [status, snapshot] = await Promise.all([ctx.manager.status(id), ctx.manager.snapshot(id)]);
    const completed = Object.fromEntries(await Promise.all(Object.entries(snapshot.values.completed_branches ?? {}).map(async ([k, r]) => {
      const found = await ctx.results.get(id, r.branch_id, r.attempt);
      return [k, {
        branch_id: r.branch_id, task_id: r.task_id, node: r.node, status: r.status, attempt: r.attempt, agent_id: r.agent_id,
        findings: found.findings, performance: r.performance,
        ...(found.statistics ? { statistics: found.statistics } : {}), ...(r.error ? { error: r.error } : {}),
      }] as const;
    })));
    const row = await ctx.manager.requireRun(id, ctx.principal);
    const state = { ...status, objective: row.objective, created_at: row.created_at, updated_at: row.updated_at, tasks: snapshot.values.task_queue ?? (row.options as { tasks?: unknown }).tasks ?? [], completed_branches: completed };
    return { contents: [{ uri: uri.href, mimeType: "application/json", text: boundedJson(state, RUN_STATE_SHRINKS) }] };
  });

  server.registerResource("run_timeline", new ResourceTemplate(`${RUNS_URI}/{run_id}/timeline`, { list: undefined, complete }), {
    title: "Workflow run timeline", description: "A run's timeline events in order (the first 1000; page with get_timeline)", mimeType: "application/json",
  }, async (uri, vars) => {
    const id = await runId(vars);
    return json(uri, { run_id: id, events: await ctx.timeline.page(id, 0, 1000), total: await ctx.timeline.total(id) });
  });

  server.registerResource("run_graph", new ResourceTemplate(`${RUNS_URI}/{run_id}/graph`, { list: undefined, complete }), {
    title: "Workflow run graph", description: "The workflow graph as a Mermaid diagram, the nodes the run has passed marked", mimeType: "text/vnd.mermaid",
  }, async (uri, vars) => {
    const id = await runId(vars);
    const status = await ctx.manager.status(id);
    const waiting = status.pending_interrupts.map((i) => (i.point === "quality" ? "quality_validator" : "sync_point_manager"));
    return { contents: [{ uri: uri.href, mimeType: "text/vnd.mermaid", text: runGraphMermaid(ctx.graph, await ctx.timeline.nodesEntered(id), waiting) }] };
  });
}
