/**
 * Runs workflows in the background. Every invocation of a run's graph thread is serialized (two at once
 * would lose input); after each one the run's status is settled from its latest checkpoint and written to
 * the runs table. On start-up, runs left `running` by a dead process resume from their last checkpoint.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { Command, INTERRUPT } from "@langchain/langgraph";
import { UserError, unknownRun } from "../errors.js";
import type { Logger } from "../log.js";
import type { WorkflowGraph } from "../orchestration/graph.js";
import type { HumanDecision } from "../orchestration/quality.js";
import type { State, StateUpdate } from "../orchestration/state.js";
import type { Task } from "../domain/task.js";
import { FINISHED_STATUSES, type RunRow } from "../domain/run-record.js";
import type { ChangeFeed, LeaseStorage, RunStorage, TimelineStorage, UsageStorage } from "../storage/storage.js";
import type { NewTimelineEvent } from "../domain/timeline-event.js";
import type { InputAccess } from "./input-access.js";
import { billedUsage } from "../agents/models/budget.js";
import { FinishedSnapshots } from "./finished-snapshots.js";
import { buildRunStatus, NO_USAGE, pendingInterrupts, type PendingInterrupt, type RunStatus, type SnapshotView } from "./run-status.js";
import { prepareRun, type ModelPolicy, type RequestLimits, type StartWorkflowArgs } from "./start-request.js";
import { planResume, type Answer } from "./resume-plan.js";
import { RunSlots } from "./run-slots.js";
import { TimelineBatcher } from "./timeline-batcher.js";

export interface RunManagerDeps {
  runs: RunStorage;
  timeline: TimelineStorage;
  /** Tells other processes sharing the database what changed here. */
  changes: ChangeFeed;
  inputs: InputAccess;
  log: Logger;
  /** Checks a new run's tasks against the principal's agents (pinned agent ids); throws UserError. */
  checkTasks(tasks: Task[], principal: string): Promise<void>;
  /** Called once a run has ended (completed, failed or cancelled): releases its agents, prunes its checkpoints. */
  onRunEnded(runId: string): Promise<void>;
  /** Asks the run's user to decide a pause (MCP elicitation); null when the client cannot, or the user declined. */
  askUser?(run: RunRow, pause: PendingInterrupt): Promise<HumanDecision | null>;
  /** Which process drives which run. */
  leases: LeaseStorage;
  /** Runs executing at once; more queue. */
  maxConcurrentRuns: number;
  limits?: RequestLimits;
  /** The model-usage ledger (RunStatus.usage). */
  usage?: UsageStorage;
  /** The model executor's policy, where a model is configured. */
  models?: ModelPolicy;
}


/** A run's options as its row keeps them: the graph's options plus what rebuilds its start input. */
interface StoredOptions extends Record<string, unknown> {
  tasks: Task[];
  sync_points: State["sync_points"];
  requested_mode?: StateUpdate["requested_mode"];
}

/** Who starts a run: the principal it will belong to, and whether their client can sample (for executor auto). */
export interface RunOrigin {
  principal: string;
  clientSamples: boolean;
}

export class RunManager {
  /** Emits `changed` (runId) on every new timeline event or status change, `settled` (runId) when idle. */
  readonly events = new EventEmitter().setMaxListeners(0);
  private graph!: WorkflowGraph;
  private readonly chains = new Map<string, Promise<void>>();
  /** Aborts the in-flight invocation of a run (cancel_run). */
  private readonly aborts = new Map<string, AbortController>();
  private readonly slots: RunSlots;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Set by shutdown: an invocation failing from here on failed because the process is going away. */
  private closing = false;

  private readonly batcher: TimelineBatcher;
  private readonly finished = new FinishedSnapshots();

  constructor(private readonly deps: RunManagerDeps) {
    this.slots = new RunSlots(deps.maxConcurrentRuns);
    this.batcher = new TimelineBatcher(deps.timeline, (runId) => this.changed(runId));
  }

  /** The graph needs the manager (for recording events), so it is attached after construction. */
  attach(graph: WorkflowGraph): this {
    this.graph = graph;
    return this;
  }

  /** Stores timeline events (gathered with the run's others of this turn: timeline-batcher.ts) and tells subscribers. */
  recordEvents(runId: string, events: NewTimelineEvent[]): Promise<void> {
    return this.batcher.record(runId, events);
  }

  /** Tells this process's subscribers, and the other processes', that a run changed. */
  private changed(runId: string, kind: "changed" | "created" = "changed"): void {
    this.events.emit(kind, runId);
    void Promise.resolve(this.deps.changes.publish({ run_id: runId, kind }))
      .catch((error: unknown) => this.deps.log.warning(`could not tell other processes about run ${runId}`, { run_id: runId, error: describe(error) }));
  }

  isBusy(runId: string): boolean {
    return this.chains.has(runId);
  }

  /** How many runs have an invocation queued or in flight. */
  busyCount(): number {
    return this.chains.size;
  }

  async start(args: StartWorkflowArgs, origin: RunOrigin): Promise<{ run_id: string; created: boolean }> {
    const runId = args.run_id ?? `run-${randomUUID()}`;
    if (await this.existing(runId, origin.principal)) return { run_id: runId, created: false };
    const run = await prepareRun(args, this.deps.inputs, origin.clientSamples, this.deps.limits, this.deps.models);
    await this.deps.checkTasks(run.tasks, origin.principal);
    const created = await this.deps.runs.create({ run_id: runId, principal: origin.principal, objective: run.objective, options: { ...run.options, tasks: run.tasks, sync_points: run.sync_points, requested_mode: run.requested_mode }, executor: run.executor, inputs: run.inline, lease: { owner: this.deps.leases.owner.id, expires_at: Date.now() + this.deps.leases.leaseMs } });
    if (!created) {
      await this.existing(runId, origin.principal); // started at the same moment by another call: theirs or a taken id
      return { run_id: runId, created: false };
    }
    await this.recordEvents(runId, [{ key: "run_started", event: "run_started", data: { tasks: run.tasks.length, executor: run.executor, approvals: run.options.approvals, sync_points: run.sync_points.map((p) => p.name) } }]);
    const input: StateUpdate = {
      workflow_id: runId, objective: run.objective, options: run.options, requested_mode: run.requested_mode,
      task_queue: run.tasks, sync_points: run.sync_points, branch_dependencies: run.dependencies,
    };
    this.deps.log.info(`run ${runId} started: ${run.tasks.length} tasks, executor ${run.executor}, approvals [${run.options.approvals.join(", ")}]`, { run_id: runId });
    this.changed(runId, "created");
    this.enqueue(runId, () => this.invoke(runId, input));
    return { run_id: runId, created: true };
  }

  /** Whether `runId` names a run of `principal` already; a run of another principal is a taken id (UserError). */
  private async existing(runId: string, principal: string): Promise<boolean> {
    const owner = await this.deps.runs.principalOf(runId);
    if (owner === undefined) return false;
    if (owner !== principal) throw new UserError(`run_id "${runId}" cannot be used; leave run_id out to get a fresh one, or choose another`);
    return true;
  }

  /** Answers a pending interrupt and resumes the run in the background. Throws UserError when it cannot. */
  async resume(runId: string, answer: Answer, principal: string): Promise<void> {
    const row = await this.requireRun(runId, principal);
    if (FINISHED_STATUSES.has(row.status)) throw new UserError(`run "${runId}" is ${row.status}; there is nothing to approve`);
    if (row.status === "running" || this.isBusy(runId)) {
      throw new UserError(`run "${runId}" is running, not waiting at an interrupt; wait for it with approve_interrupt later or read orchestrator://runs/${runId}`);
    }
    let command: Command | undefined;
    await this.exclusive(runId, async () => {
      const snapshot = await this.snapshot(runId);
      const plan = planResume(runId, pendingInterrupts(snapshot), answer, snapshot.values.options?.max_revisions);
      await this.takeForResume(runId);
      await this.deps.runs.update(runId, { status: "running" });
      await this.recordEvents(runId, plan.events);
      command = plan.command;
    });
    this.enqueue(runId, () => this.invoke(runId, command!));
  }

  /**
   * Takes a paused run's lease before it is marked running again: a running run without an owner is an orphan
   * that another process would take over (and resume without this answer). Fails when another process holds it.
   */
  private async takeForResume(runId: string): Promise<void> {
    if (!(await this.deps.leases.claim(runId))) {
      throw new UserError(`run "${runId}" is being resumed by another server process; read orchestrator://runs/${runId} for its state`);
    }
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
  async snapshot(runId: string): Promise<SnapshotView & { values: Partial<State> }> {
    const s = await this.graph.getState(this.config(runId));
    return { values: s.values as Partial<State>, tasks: s.tasks };
  }

  /** The run's row; an unknown run, or one of another principal, is the same UserError. */
  async requireRun(runId: string, principal: string): Promise<RunRow> {
    const row = await this.deps.runs.get(runId);
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
  async recover(): Promise<string[]> {
    const ids = (await this.deps.leases.claimOrphans()).filter((id) => !this.isBusy(id));
    for (const runId of ids) {
      await this.recordEvents(runId, [{ key: `run_recovered:${randomUUID()}`, event: "run_recovered", data: { owner: this.deps.leases.owner.id } }]);
      this.deps.log.info(`resuming run ${runId} from its last checkpoint`, { run_id: runId });
      this.enqueue(runId, () => this.invoke(runId, null));
    }
    return ids;
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
    this.aborts.get(runId)?.abort(new Error(`run cancelled: ${reason}`));
    await this.deps.onRunEnded(runId);
    this.changed(runId);
    await this.waitForSettle(runId, 30);
  }

  private config(runId: string, signal?: AbortSignal) {
    return { configurable: { thread_id: runId }, recursionLimit: 100_000, ...(signal ? { signal } : {}) };
  }

  /**
   * Starts the background duties: renewing the leases of the runs this process executes, noticing a
   * cancel_run made by another process, and taking over runs whose process died.
   */
  startBackground(): void {
    const period = Math.max(200, Math.floor(this.deps.leases.leaseMs / 3));
    let beating = false;
    this.heartbeat = setInterval(() => {
      if (beating) return; // the last beat is still waiting for the database
      beating = true;
      void this.beat().catch((error: unknown) => this.deps.log.warning("lease heartbeat failed", { error: describe(error) })).finally(() => { beating = false; });
    }, period);
    this.heartbeat.unref();
  }

  private async beat(): Promise<void> {
    await this.deps.leases.renew([...this.aborts.keys()]);
    for (const [runId, abort] of this.aborts) {
      if ((await this.deps.runs.get(runId))?.status === "cancelled") abort.abort(new Error("run cancelled by another process"));
    }
    await this.recover();
  }

  /** For a clean exit: runs in flight are recorded as interrupted and their leases freed, so the next start (or another process) resumes them at once. */
  async shutdown(reason: string): Promise<string[]> {
    clearInterval(this.heartbeat);
    this.closing = true;
    const inFlight = [...this.chains.keys()];
    for (const runId of inFlight) {
      await this.recordEvents(runId, [{ key: `run_interrupted:${randomUUID()}`, event: "run_interrupted", data: { reason } }]);
    }
    await this.deps.leases.releaseAll();
    return inFlight;
  }

  private async invoke(runId: string, input: StateUpdate | Command | null): Promise<void> {
    // A run taken over before its first checkpoint was written (its starter died at once) starts from its row.
    let next: StateUpdate | Command | null | undefined = input;
    if (next === null && (await this.snapshotless(runId))) next = await this.startInput(runId);
    if (next !== undefined && (await this.execute(runId, next))) await this.askUserIfWanted(runId);
  }

  private async snapshotless(runId: string): Promise<boolean> {
    const s = await this.graph.getState(this.config(runId));
    return s.config.configurable?.checkpoint_id === undefined;
  }

  /** The graph input of a run's start, rebuilt from its row (see start); undefined when the run is gone. */
  private async startInput(runId: string): Promise<StateUpdate | undefined> {
    const row = await this.deps.runs.get<StoredOptions, unknown>(runId);
    if (!row) return undefined;
    const { tasks, sync_points, requested_mode, ...options } = row.options;
    return {
      workflow_id: runId, objective: row.objective, options: options as unknown as State["options"], requested_mode: requested_mode ?? null,
      task_queue: tasks, sync_points, branch_dependencies: Object.fromEntries(tasks.map((t) => [t.id, t.depends_on])),
    };
  }

  /** One graph invocation under the run's lease and a run slot; then the status is settled. Returns whether it settled. */
  private async execute(runId: string, input: StateUpdate | Command | null): Promise<boolean> {
    if ((await this.deps.runs.get(runId))?.status === "cancelled") return false;
    if (!(await this.deps.leases.claim(runId))) {
      this.deps.log.info(`run ${runId} is driven by another process; not executing it here`, { run_id: runId });
      return false;
    }
    const ahead = this.slots.queueLength();
    if (ahead > 0) await this.recordEvents(runId, [{ key: `run_queued:${randomUUID()}`, event: "run_queued", data: { ahead, max_concurrent_runs: this.slots.size } }]);
    const releaseSlot = await this.slots.acquire();
    const abort = new AbortController();
    this.aborts.set(runId, abort);
    try {
      const output = await this.graph.invoke(input as Parameters<WorkflowGraph["invoke"]>[0], this.config(runId, abort.signal));
      if ((await this.deps.runs.get(runId))?.status === "cancelled") return false;
      await this.settle(runId, output as Partial<State> & { [INTERRUPT]?: unknown });
      return true;
    } catch (error) {
      if (this.closing || (await this.deps.runs.get(runId))?.status === "cancelled") return false;
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log.error(`run ${runId} failed`, { run_id: runId, error: describe(error) });
      await this.deps.runs.update(runId, { status: "failed", error: message });
      await this.deps.onRunEnded(runId);
      await this.recordEvents(runId, [{ key: "run_failed", event: "run_failed", data: { error: message } }]);
      return false;
    } finally {
      releaseSlot();
      if (this.aborts.get(runId) === abort) this.aborts.delete(runId);
      if (!this.closing && (await this.deps.runs.get(runId))?.status !== "running") await this.deps.leases.release(runId);
    }
  }

  /** With `elicit`, a pause is put to the user directly; their answer resumes the run like approve_interrupt. */
  private async askUserIfWanted(runId: string): Promise<void> {
    const row = await this.deps.runs.get<{ elicit?: boolean }, unknown>(runId);
    if (!this.deps.askUser || !row || row.status !== "interrupted" || !row.options.elicit) return;
    const snapshot = await this.snapshot(runId);
    const pending = pendingInterrupts(snapshot);
    const pause = pending.find((p) => p.point !== "branch_work");
    if (!pause) return;
    const decision = await this.deps.askUser(row, pause).catch((error: unknown) => {
      this.deps.log.warning(`could not ask the user about run ${runId}`, { run_id: runId, error: describe(error) });
      return null;
    });
    if (!decision) return;
    let plan;
    try {
      plan = planResume(runId, pending, { ...decision, interrupt_id: pause.interrupt_id, via: "elicitation" }, snapshot.values.options?.max_revisions);
    } catch (error) {
      this.deps.log.warning(`the user's answer for run ${runId} could not be applied: ${(error as Error).message}`, { run_id: runId });
      return;
    }
    try {
      await this.takeForResume(runId);
    } catch (error) {
      this.deps.log.info(`the user's answer for run ${runId} came after another answer: ${(error as Error).message}`, { run_id: runId });
      return;
    }
    await this.deps.runs.update(runId, { status: "running" });
    await this.recordEvents(runId, plan.events);
    await this.invoke(runId, plan.command);
  }

  /**
   * Records how an invocation left the run. `output` is the state it returned: a run that ended is settled
   * from it (it is the state of the last checkpoint); one that paused from its checkpoint, which has the
   * pending interrupts.
   */
  private async settle(runId: string, output: Partial<State> & { [INTERRUPT]?: unknown }): Promise<void> {
    const ended = output[INTERRUPT] === undefined && output.outcome != null;
    const snapshot = ended ? { values: output, tasks: [] } : await this.snapshot(runId);
    const interrupts = pendingInterrupts(snapshot);
    const mode = snapshot.values.workflow_mode ?? null;
    if (interrupts.length > 0) {
      await this.deps.runs.update(runId, { status: "interrupted", workflow_mode: mode });
      await this.recordEvents(runId, interrupts.map((i) => ({ key: `interrupted:${i.interrupt_id}`, event: "interrupted", data: { interrupt_id: i.interrupt_id, point: i.point, summary: i.summary } })));
      this.deps.log.info(`run ${runId} waits at ${[...new Set(interrupts.map((i) => i.point))].join(", ")}`, { run_id: runId });
      return;
    }
    const outcome = snapshot.values.outcome;
    if (!outcome) throw new Error("the graph stopped without an outcome or a pending interrupt");
    await this.deps.runs.update(runId, { status: outcome.status, workflow_mode: mode, result: snapshot.values.final_result ?? undefined, error: outcome.status === "completed" ? null : outcome.reason ?? null });
    this.finished.remember(runId, snapshot.values);
    await this.deps.onRunEnded(runId);
    this.deps.log.info(`run ${runId} ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ""}`, { run_id: runId });
    const event = outcome.status === "completed" ? "run_completed" : outcome.status === "failed" ? "run_failed" : "run_cancelled";
    await this.recordEvents(runId, [{ key: event, event, data: { ...(outcome.reason ? { reason: outcome.reason } : {}), quality_score: snapshot.values.final_result?.quality_score ?? null } }]);
  }

  /** Runs `work` after everything queued for the run; the run counts as busy until its queue is empty. */
  private enqueue(runId: string, work: () => Promise<void>): void {
    const next = (this.chains.get(runId) ?? Promise.resolve()).then(work).catch((e) => this.deps.log.error(`run ${runId}`, { run_id: runId, error: describe(e) }));
    this.chains.set(runId, next);
    void next.then(() => {
      if (this.chains.get(runId) !== next) return;
      this.chains.delete(runId);
      this.events.emit("changed", runId);
      this.events.emit("settled", runId);
    });
  }

  /** Runs `work` in the run's queue and returns its result (or its error) to the caller. */
  private exclusive<T>(runId: string, work: () => Promise<T>): Promise<T> {
    let result: Promise<T>;
    const previous = this.chains.get(runId) ?? Promise.resolve();
    result = previous.then(work);
    const next = result.then(() => undefined, () => undefined);
    this.chains.set(runId, next);
    void next.then(() => {
      if (this.chains.get(runId) === next) this.chains.delete(runId);
    });
    return result;
  }
}

/** An error as a log field: its stack where it has one. */
function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
