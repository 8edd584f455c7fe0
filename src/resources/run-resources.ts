/**
 * The run resources: the list of runs, and per run its state, its timeline and its graph.
 * The per-run URIs are resource templates that list and complete run ids.
 */
import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { SessionContext } from "../server-context.js";
import { runGraphMermaid } from "./run-graph.js";

const RUNS_URI = "orchestrator://runs";

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
    return json(uri, { ...status, objective: row.objective, created_at: row.created_at, updated_at: row.updated_at, tasks: snapshot.values.task_queue ?? (row.options as { tasks?: unknown }).tasks ?? [], completed_branches: completed });
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
