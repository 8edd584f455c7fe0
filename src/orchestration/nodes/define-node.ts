/**
 * What every node gets (its injected dependencies) and the wrapper that records it in the timeline.
 * Nodes return their state update plus the events they want recorded; the wrapper records `node_started`,
 * the node's events and `node_completed` (stored before the node's writes are: ordered-checkpointer.ts), keyed by
 * LangGraph's task namespace (`node:taskId`), which is the same when a task is re-executed after an interrupt or a crash, so the timeline never duplicates.
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
import type { WriteBarrier } from "../ordered-checkpointer.js";

export interface GraphDeps {
  executors: Record<RunExecutor, Executor>;
  agents: RunAgents;
  loadInputs(runId: string, task: Task, signal: AbortSignal): Promise<LoadedInput[]>;
  recordEvents(runId: string, events: NewTimelineEvent[]): Promise<void>;
  /** Settles once the run's events recorded so far are stored (undefined when none is pending): the checkpointer waits for it. */
  eventsStored: WriteBarrier;
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
    // Not awaited: the graph's checkpointer stores the node's writes only after the run's events recorded so far
    // (ordered-checkpointer.ts), so no superstep waits on the timeline and the events are never lost without the
    // writes. A failure to store them fails that checkpoint write, and so the run; it is not reported here too.
    const record = (events: NewTimelineEvent[]) => void deps.recordEvents(runId, events).catch(() => undefined);
    record([{ key: `${ns}|start`, event: "node_started", node: name, ...tag }]);
    const out = await run(state, { deps, runId, config });
    record([
      ...(out.events ?? []).map((e, i) => ({ ...e, key: `${ns}|${i}` })),
      { key: `${ns}|done`, event: "node_completed", node: name, ...tag },
    ]);
    return out.update;
  };
}
