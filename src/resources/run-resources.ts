/**
 * The run resources: the list of runs, and per run its state, its timeline and its graph.
 * The per-run URIs are resource templates that list and complete run ids.
 */
import { ResourceTemplate } from "@modelcontextprotocol/server";
import type { RunQueries } from "../runs/run-queries.js";
import type { GuardedServer } from "../tools/error-boundary.js";
import { boundedJson, type Shrink } from "./bounded-json.js";
import { runGraphMermaid } from "./run-graph.js";
import { decodeRunId, RUNS_URI } from "./run-uri.js";

/** A run state (RunState) as the shrinks see it. */
type StateBody = { completed_branches: Record<string, { findings: unknown[]; statistics?: unknown[] } & Record<string, unknown>> } & Record<string, unknown>;
const eachBranch = (state: StateBody, f: (b: StateBody["completed_branches"][string]) => Record<string, unknown>) =>
  ({ ...state, completed_branches: Object.fromEntries(Object.entries(state.completed_branches).map(([k, b]) => [k, f(b)])) }) as StateBody;

/** A run of hundreds of branches with big tables can outgrow a client's limit: its details go first. */
const RUN_STATE_SHRINKS: Shrink<StateBody>[] = [
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

/** What the run resources call. */
export interface RunResourcesDeps {
  principal: string;
  queries: Pick<RunQueries, "list" | "idsStartingWith" | "state" | "firstEvents" | "path">;
}

/** The client sees its principal's runs only; another principal's run id is an unknown one. */
export function registerRunResources(server: GuardedServer, { principal, queries }: RunResourcesDeps): void {
  const list = async () => ({
    resources: (await queries.list(principal)).map((r) => ({
      uri: `${RUNS_URI}/${r.run_id}`, name: r.run_id, title: `${r.status}: ${r.objective.slice(0, 80)}`, mimeType: "application/json",
    })),
  });
  const complete = { run_id: (value: string) => queries.idsStartingWith(principal, value) };
  const runId = (vars: Record<string, string | string[]>) => decodeRunId(String(vars.run_id));
  const json = (uri: URL, value: unknown) => ({ contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(value, null, 2) }] });

  server.registerResource("runs", RUNS_URI, {
    title: "Workflow runs", description: "Every run, newest first: id, status, objective, created_at, updated_at", mimeType: "application/json",
  }, async (uri) => json(uri, { runs: await queries.list(principal) }));

  server.registerResource("run", new ResourceTemplate(`${RUNS_URI}/{run_id}`, { list, complete }), {
    title: "Workflow run state",
    description: "A run's whole state: its RunStatus fields plus tasks and completed_branches (findings best first)",
    mimeType: "application/json",
  }, async (uri, vars) => {
    const state: StateBody = await queries.state(runId(vars), principal);
    return { contents: [{ uri: uri.href, mimeType: "application/json", text: boundedJson(state, RUN_STATE_SHRINKS) }] };
  });

  server.registerResource("run_timeline", new ResourceTemplate(`${RUNS_URI}/{run_id}/timeline`, { list: undefined, complete }), {
    title: "Workflow run timeline", description: "A run's timeline events in order (the first 1000; page with get_timeline)", mimeType: "application/json",
  }, async (uri, vars) => {
    const id = runId(vars);
    const { events, total } = await queries.firstEvents(id, principal, 1000);
    return json(uri, { run_id: id, events, total });
  });

  server.registerResource("run_graph", new ResourceTemplate(`${RUNS_URI}/{run_id}/graph`, { list: undefined, complete }), {
    title: "Workflow run graph", description: "The workflow graph as a Mermaid diagram, the nodes the run has passed marked", mimeType: "text/vnd.mermaid",
  }, async (uri, vars) => {
    const path = await queries.path(runId(vars), principal);
    return { contents: [{ uri: uri.href, mimeType: "text/vnd.mermaid", text: runGraphMermaid(path) }] };
  });
}
