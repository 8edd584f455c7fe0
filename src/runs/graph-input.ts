/**
 * The one builder of a run's start input (pure): what the run's row keeps of a prepared run, and the graph
 * input built from it. A run's start uses it, and so does the recovery of a run whose starter died before its
 * first checkpoint, so both give the graph the same input.
 */
import type { Task } from "../domain/task.js";
import type { RunOptions, State, StateUpdate } from "../orchestration/state.js";
import type { PreparedRun } from "./start-request.js";
import type { TraceCarrier } from "../telemetry/spans.js";

/** A run's options as its row keeps them: the graph's options plus what rebuilds its start input. */
export interface StoredRunOptions extends RunOptions {
  tasks: Task[];
  sync_points: State["sync_points"];
  requested_mode?: State["requested_mode"];
  /** The trace context the run started in (the start_workflow call's span), when tracing: every invocation of the run is in that trace. */
  trace?: TraceCarrier;
}

/** What a new run's row keeps as its options. */
export function storedRunOptions(run: PreparedRun): StoredRunOptions {
  return { ...run.options, tasks: run.tasks, sync_points: run.sync_points, requested_mode: run.requested_mode };
}

/** The graph's options of a run, from the options its row keeps (without what rebuilds its start input, or its origin). */
export function graphOptions(stored: StoredRunOptions & { forked_from?: unknown }): RunOptions {
  const { tasks: _tasks, sync_points: _points, requested_mode: _mode, trace: _trace, forked_from: _from, ...options } = stored;
  return options;
}

/** The graph input that starts a run, from the options its row keeps. */
export function startInput(runId: string, objective: string, stored: StoredRunOptions): StateUpdate {
  const { tasks, sync_points, requested_mode } = stored;
  const options = graphOptions(stored);
  return {
    workflow_id: runId, objective, options, requested_mode: requested_mode ?? null,
    task_queue: tasks, sync_points, branch_dependencies: Object.fromEntries(tasks.map((t) => [t.id, t.depends_on])),
  };
}
