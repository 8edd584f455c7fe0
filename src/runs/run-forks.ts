/**
 * Forks (fork_run): a new run that starts from one checkpoint of another. `prepare` checks the request against the
 * checkpoint and the server (every problem a UserError, before anything is written) and says what the fork's row
 * keeps; the run manager then creates that row and queues the fork like a start. The fork's first step, in its
 * queue and under its lease, `seed`s its thread: its agents, the kept branches' findings copied from the original,
 * and its first checkpoint (fork-plan.ts). Seeding is idempotent and happens whenever a fork has no checkpoint yet,
 * so a fork whose process died before or during it is seeded by whichever process recovers it. The original run is
 * only read.
 */
import type { AgentRef } from "../agents/executors/types.js";
import type { RunRow } from "../domain/run-record.js";
import type { Task } from "../domain/task.js";
import { UserError } from "../errors.js";
import { planFork, rerunSet, unforkable, withSettledWrites, type ForkPlan } from "../orchestration/fork-plan.js";
import { BRANCH_NODES } from "../orchestration/routing.js";
import { isSettled } from "../orchestration/scheduling.js";
import type { RunOptions, State } from "../orchestration/state.js";
import type { BranchResultStorage, RunStorage } from "../storage/storage.js";
import { prepareFork, type ForkChangesArgs } from "./fork-request.js";
import { graphOptions, type StoredRunOptions } from "./graph-input.js";
import type { InputAccess } from "./input-access.js";
import type { CheckpointView, RunThreads } from "./run-threads.js";
import type { ModelPolicy, PreparedRun } from "./start-request.js";

/** What a fork's row keeps of where it came from (RunStatus.forked_from shows run_id and checkpoint_id). */
export interface ForkOrigin {
  run_id: string;
  checkpoint_id: string;
  /** The tasks the fork edits (its row keeps the edited tasks and options themselves). */
  edited: string[];
}

export interface ForkedRunOptions extends StoredRunOptions {
  forked_from?: ForkOrigin;
}

export interface ForkRequest {
  checkpoint_id: string;
  changes?: ForkChangesArgs;
}

/** A checked fork: its row's options and inline inputs, and what the timeline's `run_forked` says. */
export interface PreparedForkRun {
  options: ForkedRunOptions;
  executor: string;
  inline: PreparedRun["inline"];
  kept: string[];
  rerun: string[];
}

export interface RunForksDeps {
  runs: Pick<RunStorage, "inlineInputs">;
  results: Pick<BranchResultStorage, "get" | "put">;
  threads: RunThreads;
  inputs: InputAccess;
  models?: ModelPolicy;
  /** Generates the fork's agents for these tasks (agents/run-agents.ts planRun): task id -> agent. */
  planAgents(runId: string, tasks: Task[], options: RunOptions): Promise<Map<string, Pick<AgentRef, "agent_id" | "agent_type">>>;
}

export class RunForks {
  constructor(private readonly deps: RunForksDeps) {}

  /** Checks a fork of `original` from the request's checkpoint; throws UserError. Writes nothing. */
  async prepare(original: RunRow<ForkedRunOptions>, request: ForkRequest, clientSamples: boolean): Promise<PreparedForkRun> {
    const view = await this.checkpoint(original.run_id, request.checkpoint_id);
    const values = stateAt(view);
    const changes = request.changes ?? {};
    const fork = await prepareFork({ options: values.options, tasks: values.task_queue }, changes, this.deps.inputs, clientSamples, this.deps.models);
    const copied = (await this.deps.runs.inlineInputs(original.run_id)).filter((i) => !fork.replacedInputs.has(i.task_id));
    const { trace: _trace, forked_from: _from, ...kept } = original.options;
    const rerun = new Set(rerunSet(fork.tasks, fork.edited));
    const branches = Object.values(values.active_branches);
    return {
      options: {
        ...kept, ...fork.options, tasks: fork.tasks, sync_points: values.sync_points, requested_mode: values.requested_mode,
        forked_from: { run_id: original.run_id, checkpoint_id: request.checkpoint_id, edited: fork.edited },
      },
      executor: fork.options.executor,
      inline: [...copied, ...fork.inline],
      kept: branches.filter((b) => !rerun.has(b.task_id) && isSettled(b, values.completed_branches)).map((b) => b.branch_id),
      rerun: branches.filter((b) => rerun.has(b.task_id)).map((b) => b.branch_id),
    };
  }

  /**
   * Writes the fork's first checkpoint from its origin (the row's forked_from): the fork's agents for the branches
   * that will work, the kept branches' findings under the fork's id, then the checkpoint. Safe to repeat.
   */
  async seed(fork: RunRow<ForkedRunOptions>): Promise<ForkPlan> {
    const origin = fork.options.forked_from;
    if (!origin) throw new Error(`run ${fork.run_id} is not a fork`);
    const view = await this.checkpoint(origin.run_id, origin.checkpoint_id);
    const values = stateAt(view);
    // What prepare checked and the row keeps: the fork's options and its tasks with the edits (inputs by reference).
    const prepared = { options: graphOptions(fork.options), tasks: fork.options.tasks, edited: origin.edited };
    const rerun = new Set(rerunSet(prepared.tasks, prepared.edited));
    const working = Object.values(values.active_branches)
      .filter((b) => rerun.has(b.task_id) || !isSettled(b, values.completed_branches))
      .map((b) => b.task_id);
    const tasks = prepared.tasks.filter((t) => working.includes(t.id));
    const agents = tasks.length > 0 ? await this.deps.planAgents(fork.run_id, tasks, prepared.options) : new Map();
    const plan = planFork(values, view.next, fork.run_id, prepared, agents);
    for (const result of Object.values(plan.values.completed_branches)) {
      const found = await this.deps.results.get(origin.run_id, result.branch_id, result.attempt);
      if (found.findings.length > 0 || found.statistics || found.notes) await this.deps.results.put(fork.run_id, result.branch_id, result.attempt, found);
    }
    await this.deps.threads.seed(fork.run_id, plan.values, plan.resume_after);
    return plan;
  }

  /** The checkpoint, fit to fork from; UserError when it is not one of the run's or cannot be forked. */
  private async checkpoint(runId: string, checkpointId: string): Promise<CheckpointView> {
    const view = await this.deps.threads.at(runId, checkpointId);
    if (!view) throw new UserError(`checkpoint "${checkpointId}" is not one of run "${runId}"'s; list them with get_run_history`);
    const reason = unforkable(view.values, view.next);
    if (reason) throw new UserError(`run "${runId}" cannot be forked from checkpoint "${checkpointId}": ${reason}`);
    return view;
  }
}

/** The checkpoint's state with the branches that settled in the superstep after it (its pending writes). */
function stateAt(view: CheckpointView): State {
  const branchNodes: ReadonlySet<string> = new Set(BRANCH_NODES);
  return withSettledWrites(view.values as State, view.tasks.filter((t) => branchNodes.has(t.name)).map((t) => t.result));
}
