/**
 * Runs workflows in the background: the facade the tools and resources use. Its parts, one job each:
 * run-queue.ts serializes the work of each run (two invocations of one graph thread at once would lose input),
 * run-invocation.ts invokes the graph under the run's lease and a run slot, run-settlement.ts writes how each
 * invocation left the run, run-resumption.ts applies an answer (approve_interrupt or elicitation),
 * run-recovery.ts continues runs a dead process left running, lease-keeper.ts holds this process's leases.
 * Each step of a run reads the run's row once, before it, and passes it along.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { UserError, unknownRun } from "../errors.js";
import { FINISHED_STATUSES, type NewRun, type RunRow } from "../domain/run-record.js";
import type { NewTimelineEvent } from "../domain/timeline-event.js";
import { billedUsage } from "../agents/models/budget.js";
import { describeError } from "./describe-error.js";
import { FinishedSnapshots } from "./finished-snapshots.js";
import { startInput, storedRunOptions } from "./graph-input.js";
import { InFlightInvocations } from "./in-flight-invocations.js";
import { RunDeletion } from "./run-deletion.js";
import { LeaseKeeper } from "./lease-keeper.js";
import type { Answer } from "./resume-plan.js";
import { RunInvocations } from "./run-invocation.js";
import { RunQueue } from "./run-queue.js";
import { activeContext, carrierOf, runParent, type Context as TraceContext, type TraceCarrier } from "../telemetry/spans.js";
import { RunRecovery } from "./run-recovery.js";
import type { ForkRunArgs, RunManagerDeps, RunOrigin } from "./run-manager-deps.js";
import { RunForks, type ForkedRunOptions } from "./run-forks.js";
import { historyEntry, type HistoryEntry } from "./run-history.js";
import { assertAwaitsAnswer, RunResumption } from "./run-resumption.js";
import { RunSettlement } from "./run-settlement.js";
import { RunSlots } from "./run-slots.js";
import { buildRunStatus, NO_USAGE, type RunStatus } from "./run-status.js";
import { RunThreads, type GraphInput, type GraphLoader, type RunSnapshot } from "./run-threads.js";
import { prepareRun, type StartWorkflowArgs } from "./start-request.js";
import { TimelineBatcher } from "./timeline-batcher.js";

export type { ForkRunArgs, RunManagerDeps, RunOrigin };

export class RunManager {
  /** Emits `changed` (runId) on every new timeline event or status change, `settled` (runId) when idle. */
  readonly events = new EventEmitter().setMaxListeners(0);
  private readonly threads = new RunThreads();
  private readonly finished = new FinishedSnapshots();
  private readonly inFlight = new InFlightInvocations();
  private readonly batcher: TimelineBatcher;
  private readonly queue: RunQueue;
  private readonly leaseKeeper: LeaseKeeper;
  private readonly invocations: RunInvocations;
  private readonly resumption: RunResumption;
  private readonly recovery: RunRecovery;
  private readonly deletion: RunDeletion;
  private readonly slots: RunSlots;
  private readonly forks: RunForks;

  constructor(private readonly deps: RunManagerDeps) {
    const { runs, log, leases } = deps;
    const record = (runId: string, events: NewTimelineEvent[]) => this.recordEvents(runId, events);
    this.batcher = new TimelineBatcher(deps.timeline, (runId) => this.changed(runId));
    this.queue = new RunQueue({
      failed: (runId, error) => log.error(`run ${runId}`, { run_id: runId, error: describeError(error) }),
      drained: (runId) => {
        this.events.emit("changed", runId);
        this.events.emit("settled", runId);
      },
    });
    this.forks = new RunForks({
      runs, results: deps.results, threads: this.threads, inputs: deps.inputs, planAgents: deps.planAgents, ...(deps.models ? { models: deps.models } : {}),
    });
    this.recovery = new RunRecovery({
      leases, threads: this.threads, record, log, seedFork: (row) => this.forks.seed(row),
      isBusy: (runId) => this.queue.isBusy(runId),
      continueRun: (runId) => this.queue.enqueue(runId, () => this.step(runId, null)),
    });
    this.leaseKeeper = new LeaseKeeper({ leases, runs, inFlight: this.inFlight, held: () => this.queue.runIds(), log, recover: () => this.recover() });
    const settlement = new RunSettlement({ runs, threads: this.threads, record, log, onRunEnded: (runId) => deps.onRunEnded(runId), finished: this.finished });
    this.invocations = new RunInvocations({
      runs, threads: this.threads, leases: this.leaseKeeper, slots: this.slots = new RunSlots(deps.maxConcurrentRuns), inFlight: this.inFlight, settlement, record,
    });
    this.deletion = new RunDeletion({
      runs, log, deleteRuns: (runIds) => deps.deleteRuns(runIds), isBusy: (runId) => this.queue.isBusy(runId),
      forget: (runId) => this.finished.forget(runId), ...(deps.retainDays !== undefined ? { retainDays: deps.retainDays } : {}),
    });
    this.resumption = new RunResumption({ runs, threads: this.threads, leases: this.leaseKeeper, record, log, ...(deps.askUser ? { askUser: (run, pause) => deps.askUser!(run, pause) } : {}) });
  }

  /** The graph needs the manager (for recording events), so it is attached after construction, as its loader (run-threads.ts). */
  attach(graph: GraphLoader): this {
    this.threads.attach(graph);
    return this;
  }

  /** Stores timeline events (gathered with the run's others of this turn: timeline-batcher.ts) and tells subscribers. */
  recordEvents(runId: string, events: NewTimelineEvent[]): Promise<void> {
    this.deps.observeEvents?.(runId, events);
    return this.batcher.record(runId, events);
  }

  /** Tells this process's subscribers, and the other processes', that a run changed. */
  private changed(runId: string, kind: "changed" | "created" = "changed"): void {
    this.events.emit(kind, runId);
    void Promise.resolve(this.deps.changes.publish({ run_id: runId, kind }))
      .catch((error: unknown) => this.deps.log.warning(`could not tell other processes about run ${runId}`, { run_id: runId, error: describeError(error) }));
  }

  isBusy(runId: string): boolean {
    return this.queue.isBusy(runId);
  }

  /** How many runs wait for a run slot (--max-concurrent-runs) now. */
  queueDepth(): number {
    return this.slots.waitingCount();
  }

  /** How many runs have an invocation queued or in flight. */
  busyCount(): number {
    return this.queue.size();
  }

  async start(args: StartWorkflowArgs, origin: RunOrigin): Promise<{ run_id: string; created: boolean }> {
    const runId = args.run_id ?? `run-${randomUUID()}`;
    if (await this.existing(runId, origin.principal)) return { run_id: runId, created: false };
    const run = await prepareRun(args, this.deps.inputs, origin.clientSamples, this.deps.limits, this.deps.models);
    await this.deps.checkTasks(run.tasks, origin.principal);
    const options = { ...storedRunOptions(run), ...traceCarrier() };
    return this.launch({ run_id: runId, principal: origin.principal, objective: run.objective, options, executor: run.executor, inputs: run.inline },
      { key: "run_started", event: "run_started", data: { tasks: run.tasks.length, executor: run.executor, approvals: run.options.approvals, sync_points: run.sync_points.map((p) => p.name) } },
      `run ${runId} started: ${run.tasks.length} tasks, executor ${run.executor}, approvals [${run.options.approvals.join(", ")}]`,
      startInput(runId, run.objective, options));
  }

  /**
   * Starts a fork of the principal's run from one of its checkpoints (run-forks.ts): checked first (UserError), then
   * created under its own id with the original's principal, and queued; its first step seeds its thread.
   */
  async fork(runId: string, request: ForkRunArgs, origin: RunOrigin): Promise<{ run_id: string; created: boolean }> {
    const original = await this.requireRun<ForkedRunOptions>(runId, origin.principal);
    const forkId = request.new_run_id ?? `run-${randomUUID()}`;
    if (await this.existing(forkId, origin.principal)) return { run_id: forkId, created: false };
    const fork = await this.forks.prepare(original, request, origin.clientSamples);
    const options: ForkedRunOptions = { ...fork.options, elicit: request.elicit ?? original.options.elicit ?? false, ...traceCarrier() };
    return this.launch({ run_id: forkId, principal: original.principal, objective: original.objective, options, executor: fork.executor, inputs: fork.inline },
      { key: "run_forked", event: "run_forked", data: { from_run_id: runId, checkpoint_id: request.checkpoint_id, kept: fork.kept, rerun: fork.rerun } },
      `run ${forkId} forked from ${runId} at checkpoint ${request.checkpoint_id}: ${fork.kept.length} branches kept, ${fork.rerun.length} run again`,
      null);
  }

  /**
   * Creates a run's row (with this process's lease), records its first event and queues its first step. Another call
   * of the principal's that created it at the same moment makes it not created here; any other refusal is a taken id.
   */
  private async launch(run: Omit<NewRun<unknown>, "lease">, first: NewTimelineEvent, message: string, input: GraphInput): Promise<{ run_id: string; created: boolean }> {
    const runId = run.run_id;
    const created = await this.deps.runs.create({ ...run, lease: { owner: this.deps.leases.owner.id, expires_at: Date.now() + this.deps.leases.leaseMs } });
    if (!created) {
      if (!(await this.existing(runId, run.principal))) throw takenRunId(runId);
      return { run_id: runId, created: false };
    }
    await this.recordEvents(runId, [first]);
    this.deps.log.info(message, { run_id: runId });
    this.changed(runId, "created");
    const parent = activeContext(); // the tool call's span (and the caller's trace): the run's span is its child
    this.queue.enqueue(runId, () => this.step(runId, input, parent));
    return { run_id: runId, created: true };
  }

  /** The run's checkpoints, oldest first (check the caller with requireRun first). */
  async history(runId: string): Promise<HistoryEntry[]> {
    return (await this.threads.history(runId)).map(historyEntry);
  }

  /** Whether `runId` names a run of `principal` already; a run of another principal is a taken id (UserError). */
  private async existing(runId: string, principal: string): Promise<boolean> {
    const owner = await this.deps.runs.principalOf(runId);
    if (owner === undefined) return false;
    if (owner !== principal) throw takenRunId(runId);
    return true;
  }

  /** Answers a pending interrupt and resumes the run in the background. Throws UserError when it cannot. */
  async resume(runId: string, answer: Answer, principal: string): Promise<void> {
    assertAwaitsAnswer(await this.requireRun(runId, principal), this.isBusy(runId));
    const command = await this.queue.exclusive(runId, () => this.resumption.apply(runId, answer));
    const parent = activeContext();
    this.queue.enqueue(runId, () => this.step(runId, command, parent));
  }

  /** The status of a run the caller may see (check it with requireRun first). */
  async status(runId: string): Promise<RunStatus> {
    const row = await this.deps.runs.get(runId);
    if (!row) throw unknownRun(runId);
    const snapshot = (FINISHED_STATUSES.has(row.status) ? this.finished.get(runId) : undefined) ?? await this.snapshot(runId);
    return buildRunStatus(row, snapshot, await this.deps.timeline.total(runId), await this.usage(runId));
  }

  /** The run's model usage from the ledger (cost only where it has one). */
  private async usage(runId: string): Promise<RunStatus["usage"]> {
    if (!this.deps.usage) return NO_USAGE;
    const { cost_usd, ...tokens } = billedUsage(await this.deps.usage.totals(runId));
    return cost_usd > 0 ? { ...tokens, cost_usd } : tokens;
  }

  /** The checkpointed state of a run (values and pending tasks). */
  snapshot(runId: string): Promise<RunSnapshot> {
    return this.threads.snapshot(runId);
  }

  /** The run's row; an unknown run, or one of another principal, is the same UserError. */
  async requireRun<Options = unknown>(runId: string, principal: string): Promise<RunRow<Options>> {
    const row = await this.deps.runs.get<Options, unknown>(runId);
    if (!row || row.principal !== principal) throw unknownRun(runId);
    return row;
  }

  /** Resolves when the run has no invocation in flight, or after `seconds`. */
  async waitForSettle(runId: string, seconds: number): Promise<void> {
    if (!this.isBusy(runId) || seconds <= 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off("settled", onSettled);
        resolve();
      };
      const onSettled = (id: string) => id === runId && done();
      const timer = setTimeout(done, seconds * 1000);
      this.events.on("settled", onSettled);
    });
  }

  /** Resumes runs that a previous process left running; paused runs keep waiting for their decision. */
  recover(): Promise<string[]> {
    return this.recovery.recover();
  }

  /**
   * Ends a running or paused run as `cancelled`: the row first (so an aborted invocation cannot overwrite
   * it), then the in-flight invocation is aborted (branches see their signal abort), the run's agents are
   * released, and the timeline is kept. Throws UserError for a finished run.
   */
  async cancel(runId: string, reason: string, principal: string): Promise<void> {
    const row = await this.requireRun(runId, principal);
    if (FINISHED_STATUSES.has(row.status)) throw new UserError(`run "${runId}" is ${row.status} already; only a running or paused run can be cancelled`);
    await this.deps.runs.update(runId, { status: "cancelled", error: reason });
    await this.recordEvents(runId, [{ key: "run_cancelled", event: "run_cancelled", data: { reason } }]);
    this.inFlight.abort(runId, new Error(`run cancelled: ${reason}`));
    await this.deps.onRunEnded(runId);
    this.changed(runId);
    await this.waitForSettle(runId, 30);
  }

  /** Deletes the principal's finished run and all of it (run-deletion.ts). Throws UserError when it cannot. */
  async delete(runId: string, principal: string): Promise<void> {
    await this.requireRun(runId, principal);
    await this.deletion.delete(runId);
  }

  /** One retention sweep now (it also runs in the background with --retain-days); returns how many runs it deleted. */
  sweepRetention(): Promise<number> {
    return this.deletion.sweep();
  }

  /**
   * Starts the background duties: renewing the leases of the runs this process executes, noticing a
   * cancel_run made by another process, taking over runs whose process died, and retention.
   */
  startBackground(): void {
    this.leaseKeeper.start();
    this.deletion.start();
  }

  /** For a clean exit: runs in flight are recorded as interrupted and their leases freed, so the next start (or another process) resumes them at once. */
  async shutdown(reason: string): Promise<string[]> {
    this.leaseKeeper.stop();
    this.deletion.stop();
    this.invocations.close();
    const inFlight = this.queue.runIds();
    for (const runId of inFlight) {
      await this.recordEvents(runId, [{ key: `run_interrupted:${randomUUID()}`, event: "run_interrupted", data: { reason } }]);
    }
    await this.leaseKeeper.releaseAll();
    return inFlight;
  }

  /**
   * One step of a run, in its queue: the run's row is read once, then the graph is invoked with `input` (null:
   * continue a recovered run, run-recovery.ts) and the run settled. With `elicit`, a pause is put to the user,
   * and their answer is the next step.
   */
  private async step(runId: string, input: GraphInput, parent?: TraceContext): Promise<void> {
    const row = await this.deps.runs.get<ForkedRunOptions, unknown>(runId);
    if (!row || row.status === "cancelled") return;
    const settled = await this.invocations.invoke(runId, input ?? await this.recovery.inputOf(row), runParent(row.options.trace, parent));
    if (settled?.status !== "interrupted" || !row.options.elicit) return;
    const command = await this.resumption.elicit(row, settled.pending);
    if (command) await this.step(runId, command, parent);
  }
}

/** The trace the run is in (the start call's span, in the caller's trace): every invocation of the run joins it. */
function traceCarrier(): { trace?: TraceCarrier } {
  const trace = carrierOf(activeContext());
  return trace ? { trace } : {};
}

function takenRunId(runId: string): UserError {
  return new UserError(`run_id "${runId}" cannot be used; leave run_id out to get a fresh one, or choose another`);
}
