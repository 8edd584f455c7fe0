/**
 * The bare graph (bench/bare-graph.ts: same nodes, edges and five `Send`s, trivial node bodies, LangGraph's own
 * SqliteSaver) given the server's state shape: its 21 channels, and values of the sizes a five-branch run
 * writes (the tasks 1 KB, each `Send` payload 0.9 KB, `active_branches` 3.8 KB, each branch result 0.35 KB, the
 * merge result 5.8 KB, the final result 3.9 KB; measured with JSON.stringify of a run's writes). What it costs
 * over the bare graph is what LangGraph's work on this state costs, with no storage or work of the server's own.
 */
import path from "node:path";
import { Annotation, END, START, Send, StateGraph } from "@langchain/langgraph";
import type { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { BRANCH_NODES, openCheckpointed, type OpenBareGraph } from "../bare-graph.js";

const text = (chars: number) => "x".repeat(chars);
const last = <T>(initial: () => T) => Annotation<T>({ reducer: (_old, next) => next, default: initial });

/** The server's channels (src/orchestration/state.ts) with plain last-value or merge reducers. */
const ShapedState = Annotation.Root({
  task_queue: last<unknown[]>(() => []), objective: last(() => ""), options: last<object>(() => ({})), workflow_id: last(() => ""),
  requested_mode: last(() => ""), workflow_mode: last(() => ""), wave_size: last(() => 0), sync_points: last<unknown[]>(() => []),
  branch_dependencies: last<object>(() => ({})), current_sync_index: last(() => 0), sync_status: last<object>(() => ({})),
  active_branches: last<Record<string, unknown>>(() => ({})),
  completed_branches: Annotation<Record<string, unknown>>({ reducer: (old, next) => ({ ...old, ...next }), default: () => ({}) }),
  integration_result: last<unknown>(() => null), final_result: last<unknown>(() => null), quality_route: last(() => ""),
  outcome: last(() => ""), partial: last(() => false), dispatched: last(() => 0), revisions: last(() => 0), report: last(() => ""),
});
type Shaped = typeof ShapedState.State;

function buildShapedGraph(checkpointer: SqliteSaver) {
  const tasks = Array.from({ length: 5 }, (_, i) => ({ id: `t${i + 1}`, description: text(180) }));
  const branch = (assignment: Shaped) => {
    const { id } = assignment as unknown as { id: string }; // a Send's payload, not the state
    return { completed_branches: { [id]: { id, result: text(330) } } };
  };
  const graph = new StateGraph(ShapedState)
    .addNode("task_analyzer", () => ({ workflow_mode: "parallel", wave_size: 5, active_branches: Object.fromEntries(tasks.map((t) => [t.id, { t, agent: text(700) }])) }))
    .addNode("parallel_coordinator", (s: Shaped) => ({ dispatched: 5, active_branches: { ...s.active_branches }, sync_status: { status: text(100) } }))
    .addNode("sync_point_manager", () => ({ sync_status: { status: text(110) }, current_sync_index: 1 }))
    .addNode("branch_merger", () => ({ integration_result: { merged: text(5700) } }))
    .addNode("quality_validator", () => ({ quality_route: "quality_approved" }))
    .addNode("final_integrator", () => ({ final_result: { report: text(3800) }, outcome: "completed", report: "merged 5 branches" }))
    .addNode("research_branch_alpha", branch)
    .addNode("research_branch_beta", branch)
    .addNode("research_branch_gamma", branch)
    .addNode("analysis_branch_primary", branch)
    .addNode("analysis_branch_secondary", branch)
    .addEdge(START, "task_analyzer").addEdge("task_analyzer", "parallel_coordinator")
    .addConditionalEdges("parallel_coordinator", () => tasks.map((t, i) => new Send(BRANCH_NODES[i]!, { id: t.id, assignment: text(880) })), [...BRANCH_NODES]);
  for (const node of BRANCH_NODES) graph.addEdge(node, "sync_point_manager");
  return graph
    .addEdge("sync_point_manager", "branch_merger")
    .addEdge("branch_merger", "quality_validator")
    .addEdge("quality_validator", "final_integrator")
    .addEdge("final_integrator", END)
    .compile({ checkpointer });
}

/** The shaped bare graph on `dir/shaped.db`, with the server's pragmas (as openBareGraph). */
export function openShapedBareGraph(dir: string): OpenBareGraph {
  const input = { task_queue: [{ tasks: text(1000) }], objective: text(80), options: { options: text(130) } };
  return openCheckpointed(path.join(dir, "shaped.db"), buildShapedGraph, input, "merged 5 branches");
}
