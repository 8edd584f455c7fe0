/**
 * The final state of runs that finished in this process, as their last invocation returned it. A finished run's
 * state never changes again (its checkpoints are pruned to that last one), so its status can be answered without
 * reading and decoding the checkpoint back: start_workflow's answer, or a client polling a run it just finished.
 * Bounded: the runs finished least recently are forgotten first (forgetting costs one read of the checkpoint).
 */
import type { State } from "../orchestration/state.js";
import type { SnapshotView } from "./run-status.js";

const MAX_RUNS = 64;

export type FinishedSnapshot = SnapshotView & { values: Partial<State> };

export class FinishedSnapshots {
  private readonly runs = new Map<string, FinishedSnapshot>();

  constructor(private readonly maxRuns = MAX_RUNS) {}

  remember(runId: string, values: Partial<State>): void {
    this.runs.delete(runId);
    this.runs.set(runId, { values, tasks: [] });
    if (this.runs.size > this.maxRuns) this.runs.delete(this.runs.keys().next().value!);
  }

  forget(runId: string): void {
    this.runs.delete(runId);
  }

  get(runId: string): FinishedSnapshot | undefined {
    return this.runs.get(runId);
  }
}
