/**
 * One graph invocation of a run: under the run's lease and a run slot (runs beyond --max-concurrent-runs queue),
 * abortable by cancel_run, and settled afterwards (run-settlement.ts). The run's status is read once, when the
 * graph has returned or thrown: a cancel_run made meanwhile (here or by another process) wins over the outcome.
 */
import { randomUUID } from "node:crypto";
import type { NewTimelineEvent } from "../domain/timeline-event.js";
import type { RunStorage } from "../storage/storage.js";
import type { InFlightInvocations } from "./in-flight-invocations.js";
import type { LeaseKeeper } from "./lease-keeper.js";
import type { RunSettlement, Settled } from "./run-settlement.js";
import type { RunSlots } from "./run-slots.js";
import { Resume, type GraphInput, type GraphOutput, type RunThreads } from "./run-threads.js";
import { failSpan, inRunSpan, type Context, type Link } from "../telemetry/spans.js";

export interface RunInvocationDeps {
  runs: RunStorage;
  threads: RunThreads;
  leases: LeaseKeeper;
  slots: RunSlots;
  inFlight: InFlightInvocations;
  settlement: RunSettlement;
  record(runId: string, events: NewTimelineEvent[]): Promise<void>;
}

type InvocationResult = { output: GraphOutput } | { error: unknown };

export class RunInvocations {
  /** Set by shutdown: an invocation failing from here on failed because the process is going away. */
  private closing = false;

  constructor(private readonly deps: RunInvocationDeps) {}

  /** From now on, a failing invocation is left as it is (running, its lease kept) for the next start to resume. */
  close(): void {
    this.closing = true;
  }

  /**
   * Invokes the graph on the run and settles the run. Returns how it left the run (paused, ended, failed or
   * cancelled meanwhile), or undefined when it did not run here (another process drives it) or the process is closing.
   */
  async invoke(runId: string, input: GraphInput, trace: { parent: Context | undefined; links: Link[] } = { parent: undefined, links: [] }): Promise<Settled | undefined> {
    // The slot first: the claim is then made (or renewed) just before the run executes, however long it waited.
    const releaseSlot = await this.takeSlot(runId);
    if (!(await this.deps.leases.claimToInvoke(runId))) {
      releaseSlot();
      return undefined;
    }
    const abort = this.deps.inFlight.begin(runId);
    let settled: Settled | undefined;
    try {
      // The run's span covers the graph's work and the settlement, not the wait for a slot (`run_queued` in the timeline).
      settled = await inRunSpan(runId, trace, { "conductor.run.input": input === null ? "continue" : input instanceof Resume ? "resume" : "start" }, async (span) => {
        const result = await this.deps.threads.invoke(runId, input, abort.signal).then(
          (output): InvocationResult => ({ output }),
          (error: unknown): InvocationResult => ({ error }),
        );
        if ("error" in result) failSpan(span, result.error);
        if ("error" in result && this.closing) return undefined; // it failed because the process is going away
        const cancelled = (await this.deps.runs.get(runId))?.status === "cancelled";
        const outcome = cancelled ? { status: "cancelled" as const, pending: [] } : await this.settleOrFail(runId, result);
        if (outcome) span.setAttribute("conductor.run.status", outcome.status);
        return outcome;
      });
      return settled;
    } finally {
      releaseSlot();
      this.deps.inFlight.end(runId, abort);
      if (settled && !this.closing) await this.deps.leases.release(runId); // paused or ended: free for any process
    }
  }

  /** Settles the run from the invocation's output; an invocation that threw, or a settlement that did, fails the run. */
  private async settleOrFail(runId: string, result: InvocationResult): Promise<Settled | undefined> {
    try {
      if ("error" in result) throw result.error;
      return await this.deps.settlement.settle(runId, result.output);
    } catch (error) {
      if (this.closing) return undefined;
      await this.deps.settlement.fail(runId, error);
      return { status: "failed", pending: [] };
    }
  }

  /** Waits for a run slot; a run that has to wait says so in its timeline (`run_queued`). Returns the slot's release. */
  private async takeSlot(runId: string): Promise<() => void> {
    const ahead = this.deps.slots.queueLength();
    if (ahead > 0) await this.deps.record(runId, [{ key: `run_queued:${randomUUID()}`, event: "run_queued", data: { ahead, max_concurrent_runs: this.deps.slots.size } }]);
    return this.deps.slots.acquire();
  }
}
