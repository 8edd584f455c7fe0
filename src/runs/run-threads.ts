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

  async invoke(runId: string, input: GraphInput, signal: AbortSignal): Promise<GraphOutput> {
    return (await this.attached().invoke(input as Parameters<WorkflowGraph["invoke"]>[0], threadConfig(runId, signal))) as GraphOutput;
  }

  private attached(): WorkflowGraph {
    if (!this.graph) throw new Error("the run manager has no graph yet: attach it first");
    return this.graph;
  }
}

function threadConfig(runId: string, signal?: AbortSignal) {
  return { configurable: { thread_id: runId }, recursionLimit: 100_000, ...(signal ? { signal } : {}) };
}
