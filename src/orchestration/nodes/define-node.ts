/**
 * What every node gets (its injected dependencies) and the wrapper that records it in the timeline.
 * Nodes return their state update plus the events they want recorded; the wrapper writes `node_started`,
 * the node's events and `node_completed`, keyed by LangGraph's task namespace (`node:taskId`), which is
 * the same when a task is re-executed after an interrupt or a crash, so the timeline never duplicates.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Executor, LoadedInput, RunExecutor } from "../../agents/executors/types.js";
import type { RunAgents } from "../../agents/run-agents.js";
import type { NewTimelineEvent } from "../../domain/timeline-event.js";
import type { BranchResultStorage } from "../../storage/storage.js";
import type { Task } from "../../domain/task.js";
import type { RunOptions, StateUpdate } from "../state.js";

/** What the report writer needs of the run besides the merged results. */
export type ReportRun = Pick<RunOptions, "executor" | "model" | "budget">;
import type { ReportInput } from "../../agents/executors/builtin-report.js";
import type { RunWindows } from "../run-windows.js";

export interface GraphDeps {
  executors: Record<RunExecutor, Executor>;
  agents: RunAgents;
  loadInputs(runId: string, task: Task, signal: AbortSignal): Promise<LoadedInput[]>;
  recordEvents(runId: string, events: NewTimelineEvent[]): Promise<void>;
  /** Keeps what a branch attempt found, out of the checkpoints; and reads it back. */
  results: BranchResultStorage;
  writeReport(runId: string, input: ReportInput, run: ReportRun): Promise<string>;
  /** Each run's window of branches in flight (shared by the graph's branch nodes). */
  windows: RunWindows;
}

export type NodeEvent = Omit<NewTimelineEvent, "key">;

export interface NodeOutput {
  update: StateUpdate;
  events?: NodeEvent[];
}

export interface NodeContext {
  deps: GraphDeps;
  runId: string;
  config: LangGraphRunnableConfig;
}

export function defineNode<S>(
  name: string,
  deps: GraphDeps,
  run: (state: S, ctx: NodeContext) => NodeOutput | Promise<NodeOutput>,
  branchIdOf?: (state: S) => string,
) {
  return async (state: S, config: LangGraphRunnableConfig): Promise<StateUpdate> => {
    const runId = String(config.configurable?.thread_id ?? "");
    const ns = String(config.metadata?.langgraph_checkpoint_ns ?? config.configurable?.checkpoint_ns ?? name);
    const branch_id = branchIdOf?.(state);
    const tag = branch_id === undefined ? {} : { branch_id };
    // Not awaited before the node runs: a node that finishes within this turn of the event loop has its
    // start and its end stored in one append (timeline-batcher.ts). Both are stored before the node returns.
    const started = deps.recordEvents(runId, [{ key: `${ns}|start`, event: "node_started", node: name, ...tag }]);
    started.catch(() => undefined); // awaited below; a failure must not count as unhandled while the node runs
    let out: NodeOutput;
    try {
      out = await run(state, { deps, runId, config });
    } catch (error) {
      await started;
      throw error;
    }
    await Promise.all([started, deps.recordEvents(runId, [
      ...(out.events ?? []).map((e, i) => ({ ...e, key: `${ns}|${i}` })),
      { key: `${ns}|done`, event: "node_completed", node: name, ...tag },
    ])]);
    return out.update;
  };
}
