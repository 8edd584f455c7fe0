/**
 * A run's LangGraph thread (thread id = run id): its checkpointed state, whether it has a checkpoint yet, and
 * an invocation of the graph on it. The graph is attached after construction (it records its events through
 * the run manager, which is built first), as a loader: the graph, LangGraph and LangChain are loaded when a run
 * first needs them, not at start-up. This is the one place of the run layer that calls LangGraph.
 */
import type { WorkflowGraph } from "../orchestration/graph.js";
import type { State, StateUpdate } from "../orchestration/state.js";
import type { SnapshotView } from "./run-status.js";

/** The checkpointed state of a run: its values and pending tasks (with their interrupts). */
export type RunSnapshot = SnapshotView & { values: Partial<State> };

/** What an invocation returns: the state it left, and whether it paused at pending interrupts. */
export interface GraphOutput {
  values: Partial<State>;
  paused: boolean;
}

/** An answer to pending interrupts, by interrupt id: invoked as LangGraph's resume command. */
export class Resume {
  constructor(readonly answers: Readonly<Record<string, unknown>>) {}
}

/** One checkpoint of a run's thread, as its history lists it. */
export interface CheckpointView {
  checkpoint_id: string;
  step: number;
  created_at: string;
  next: string[];
  values: Partial<State>;
  tasks: ReadonlyArray<{ name: string; interrupts?: ReadonlyArray<{ value?: unknown }>; result?: unknown }>;
}

/** A graph input: a start, a resume, or null (continue from the last checkpoint). */
export type GraphInput = StateUpdate | Resume | null;

/** The compiled graph, loaded (and built) on the first call; every call gets the same graph. */
export type GraphLoader = () => Promise<WorkflowGraph>;

export class RunThreads {
  private load: GraphLoader | undefined;

  attach(load: GraphLoader): void {
    this.load = load;
  }

  async snapshot(runId: string): Promise<RunSnapshot> {
    const s = await (await this.attached()).getState(threadConfig(runId));
    return { values: s.values as Partial<State>, tasks: s.tasks };
  }

  /** Whether the run's thread has a checkpoint (a run whose starter died at once may have none). */
  async hasCheckpoint(runId: string): Promise<boolean> {
    const s = await (await this.attached()).getState(threadConfig(runId));
    return s.config.configurable?.checkpoint_id !== undefined;
  }

  /** Every checkpoint of the run's thread, oldest first. */
  async history(runId: string): Promise<CheckpointView[]> {
    const views: CheckpointView[] = [];
    for await (const s of (await this.attached()).getStateHistory(threadConfig(runId))) views.push(checkpointView(s));
    return views.reverse();
  }

  /** One checkpoint of the run's thread, or undefined when the thread has no checkpoint of that id. */
  async at(runId: string, checkpointId: string): Promise<CheckpointView | undefined> {
    const s = await (await this.attached()).getState({ configurable: { thread_id: runId, checkpoint_id: checkpointId } });
    return s.config.configurable?.checkpoint_id === checkpointId && s.createdAt !== undefined ? checkpointView(s) : undefined;
  }

  /** Writes a new thread's first checkpoint: `values`, as if node `asNode` had just written them (the graph goes on from there). */
  async seed(runId: string, values: State, asNode: string): Promise<void> {
    await (await this.attached()).updateState(threadConfig(runId), values, asNode);
  }

  async invoke(runId: string, input: GraphInput, signal: AbortSignal): Promise<GraphOutput> {
    const graph = await this.attached();
    const { Command, INTERRUPT } = await import("@langchain/langgraph"); // loaded with the graph by now
    const given = input instanceof Resume ? new Command({ resume: input.answers }) : input;
    // durability "sync": a superstep starts only once the checkpoint it runs from is stored. LangGraph's default
    // ("async") runs on while a slow write is pending; a crash then loses checkpoints whose tasks have already
    // recorded events, and the re-run tasks get new ids, so their events would be recorded twice (a timeline key is
    // the task's id). The failpoint's pause before its kill (storage/checkpointer.ts) proves it in the crash tests.
    const config = { ...threadConfig(runId, signal), durability: "sync" as const };
    const output = (await graph.invoke(given as Parameters<WorkflowGraph["invoke"]>[0], config)) as Partial<State> & { [INTERRUPT]?: unknown };
    const { [INTERRUPT]: interrupts, ...values } = output;
    return { values, paused: interrupts !== undefined };
  }

  private attached(): Promise<WorkflowGraph> {
    if (!this.load) throw new Error("the run manager has no graph yet: attach it first");
    return this.load();
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
