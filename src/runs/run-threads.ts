/**
 * A run's LangGraph thread (thread id = run id): its checkpointed state, whether it has a checkpoint yet, and
 * an invocation of the graph on it. The graph is attached after construction (it records its events through
 * the run manager, which is built first).
 */
import type { Command, INTERRUPT } from "@langchain/langgraph";
import type { WorkflowGraph } from "../orchestration/graph.js";
import type { State, StateUpdate } from "../orchestration/state.js";
import type { SnapshotView } from "./run-status.js";

/** The checkpointed state of a run: its values and pending tasks (with their interrupts). */
export type RunSnapshot = SnapshotView & { values: Partial<State> };

/** What an invocation returns: the state it left, with the pending interrupts under INTERRUPT when it paused. */
export type GraphOutput = Partial<State> & { [INTERRUPT]?: unknown };

/** One checkpoint of a run's thread, as its history lists it. */
export interface CheckpointView {
  checkpoint_id: string;
  step: number;
  created_at: string;
  next: string[];
  values: Partial<State>;
  tasks: ReadonlyArray<{ name: string; interrupts?: ReadonlyArray<{ value?: unknown }>; result?: unknown }>;
}

/** A graph input: a start, a resume command, or null (continue from the last checkpoint). */
export type GraphInput = StateUpdate | Command | null;

export class RunThreads {
  private graph: WorkflowGraph | undefined;

  attach(graph: WorkflowGraph): void {
    this.graph = graph;
  }

  async snapshot(runId: string): Promise<RunSnapshot> {
    const s = await this.attached().getState(threadConfig(runId));
    return { values: s.values as Partial<State>, tasks: s.tasks };
  }

  /** Whether the run's thread has a checkpoint (a run whose starter died at once may have none). */
  async hasCheckpoint(runId: string): Promise<boolean> {
    const s = await this.attached().getState(threadConfig(runId));
    return s.config.configurable?.checkpoint_id !== undefined;
  }

  /** Every checkpoint of the run's thread, oldest first. */
  async history(runId: string): Promise<CheckpointView[]> {
    const views: CheckpointView[] = [];
    for await (const s of this.attached().getStateHistory(threadConfig(runId))) views.push(checkpointView(s));
    return views.reverse();
  }

  /** One checkpoint of the run's thread, or undefined when the thread has no checkpoint of that id. */
  async at(runId: string, checkpointId: string): Promise<CheckpointView | undefined> {
    const s = await this.attached().getState({ configurable: { thread_id: runId, checkpoint_id: checkpointId } });
    return s.config.configurable?.checkpoint_id === checkpointId && s.createdAt !== undefined ? checkpointView(s) : undefined;
  }

  /** Writes a new thread's first checkpoint: `values`, as if node `asNode` had just written them (the graph goes on from there). */
  async seed(runId: string, values: State, asNode: string): Promise<void> {
    await this.attached().updateState(threadConfig(runId), values, asNode);
  }

  async invoke(runId: string, input: GraphInput, signal: AbortSignal): Promise<GraphOutput> {
    return (await this.attached().invoke(input as Parameters<WorkflowGraph["invoke"]>[0], threadConfig(runId, signal))) as GraphOutput;
  }

  private attached(): WorkflowGraph {
    if (!this.graph) throw new Error("the run manager has no graph yet: attach it first");
    return this.graph;
  }
}

type Snapshot = Awaited<ReturnType<WorkflowGraph["getState"]>>;

function checkpointView(s: Snapshot): CheckpointView {
  return {
    checkpoint_id: String(s.config.configurable?.checkpoint_id ?? ""),
    step: Number((s.metadata as { step?: number } | undefined)?.step ?? -1),
    created_at: s.createdAt ?? "",
    next: [...s.next],
    values: s.values as Partial<State>,
    tasks: s.tasks,
  };
}

function threadConfig(runId: string, signal?: AbortSignal) {
  return { configurable: { thread_id: runId }, recursionLimit: 100_000, ...(signal ? { signal } : {}) };
}
