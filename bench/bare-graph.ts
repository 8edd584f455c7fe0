/**
 * The server's five-branch topology as a bare LangGraph graph: the same node names and edges
 * (task_analyzer -> parallel_coordinator -Send x N-> branch nodes -> sync_point_manager -> branch_merger ->
 * quality_validator -> final_integrator), trivial node bodies (small fixed updates, a reducer merging branch
 * results by id), checkpointed by SqliteSaver on its own better-sqlite3 file with the server's pragmas.
 * What it costs is the floor under the server: LangGraph's supersteps plus SQLite checkpoints, nothing else.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { Annotation, END, START, Send, StateGraph } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";

export const BRANCH_NODES = [
  "research_branch_alpha", "research_branch_beta", "research_branch_gamma",
  "analysis_branch_primary", "analysis_branch_secondary",
] as const;

interface BareResult {
  branch_id: string;
  status: "success";
  score: number;
}

const BareState = Annotation.Root({
  branch_ids: Annotation<string[]>({ reducer: (_old, next) => next, default: () => [] }),
  dispatched: Annotation<number>({ reducer: (_old, next) => next, default: () => 0 }),
  results: Annotation<Record<string, BareResult>>({ reducer: (old, next) => ({ ...old, ...next }), default: () => ({}) }),
  progress: Annotation<number>({ reducer: (_old, next) => next, default: () => 0 }),
  merged_quality: Annotation<number>({ reducer: (_old, next) => next, default: () => 0 }),
  quality_route: Annotation<string>({ reducer: (_old, next) => next, default: () => "" }),
  report: Annotation<string>({ reducer: (_old, next) => next, default: () => "" }),
});
type BareStateT = typeof BareState.State;

export function buildBareGraph(checkpointer: SqliteSaver, branches = 5) {
  const branch = (input: BareStateT) => {
    const id = (input as unknown as { branch_id: string }).branch_id;
    return { results: { [id]: { branch_id: id, status: "success" as const, score: 0.8 } } };
  };
  const graph = new StateGraph(BareState)
    .addNode("task_analyzer", () => ({ branch_ids: Array.from({ length: branches }, (_, i) => `t${i + 1}`) }))
    .addNode("parallel_coordinator", (s: BareStateT) => ({ dispatched: s.branch_ids.length }))
    .addNode("research_branch_alpha", branch)
    .addNode("research_branch_beta", branch)
    .addNode("research_branch_gamma", branch)
    .addNode("analysis_branch_primary", branch)
    .addNode("analysis_branch_secondary", branch)
    .addNode("sync_point_manager", (s: BareStateT) => ({ progress: Object.keys(s.results).length / s.branch_ids.length }))
    .addNode("branch_merger", (s: BareStateT) => ({ merged_quality: Object.values(s.results).reduce((a, r) => a + r.score, 0) / s.branch_ids.length }))
    .addNode("quality_validator", (s: BareStateT) => ({ quality_route: s.merged_quality >= 0.7 ? "quality_approved" : "needs_revision" }))
    .addNode("final_integrator", (s: BareStateT) => ({ report: `merged ${Object.keys(s.results).length} branches` }))
    .addEdge(START, "task_analyzer")
    .addEdge("task_analyzer", "parallel_coordinator")
    .addConditionalEdges(
      "parallel_coordinator",
      (s: BareStateT) => s.branch_ids.map((id, i) => new Send(BRANCH_NODES[i % BRANCH_NODES.length]!, { branch_id: id })),
      [...BRANCH_NODES],
    );
  for (const node of BRANCH_NODES) graph.addEdge(node, "sync_point_manager");
  return graph
    .addEdge("sync_point_manager", "branch_merger")
    .addEdge("branch_merger", "quality_validator")
    .addEdge("quality_validator", "final_integrator")
    .addEdge("final_integrator", END)
    .compile({ checkpointer });
}

export interface OpenBareGraph {
  db: Database.Database;
  /** One run on a new thread; returns its wall time in milliseconds. */
  run(threadId: string): Promise<number>;
  close(): void;
}

/** The bare graph on `dir/bare.db` (journal_mode WAL, synchronous NORMAL, wal_autocheckpoint 10000: as the server opens its file). */
export function openBareGraph(dir: string, branches = 5): OpenBareGraph {
  return openCheckpointed(path.join(dir, "bare.db"), (saver) => buildBareGraph(saver, branches), {}, `merged ${branches} branches`);
}

/**
 * A graph compiled by `build` with a SqliteSaver on `file`, opened with the server's pragmas; each run invokes
 * it with `input` on a new thread and checks that it ended with `report`.
 */
export function openCheckpointed(
  file: string,
  build: (saver: SqliteSaver) => { invoke(input: unknown, config: { configurable: { thread_id: string } }): Promise<{ report: string }> },
  input: unknown,
  report: string,
): OpenBareGraph {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("wal_autocheckpoint = 10000"); // as src/storage/database.ts opens the server's file
  const graph = build(new SqliteSaver(db));
  return {
    db,
    async run(threadId) {
      const t0 = performance.now();
      const out = await graph.invoke(input, { configurable: { thread_id: threadId } });
      const ms = performance.now() - t0;
      if (out.report !== report) throw new Error(`graph run on ${path.basename(file)} ended with report "${out.report}"`);
      return ms;
    },
    close: () => db.close(),
  };
}
