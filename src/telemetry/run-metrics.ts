/**
 * The server's metrics, through the OpenTelemetry metrics API (a no-op until metrics-setup.ts registers a meter
 * provider, so free when metrics are off): runs started, completed, failed and cancelled, and lease takeovers, from
 * the timeline as it is recorded; branch durations; runs waiting at a pause and runs waiting for a run slot, read
 * when collected; and per model call its duration and tokens by model and direction (the GenAI conventions'
 * `gen_ai.client.operation.duration` and `gen_ai.client.token.usage`), from the usage ledger's reservation and bill.
 */
import { metrics, type Attributes, type Counter, type Histogram, type Meter } from "@opentelemetry/api";
import type { NewTimelineEvent } from "../domain/timeline-event.js";
import type { Reservation, UsageBill, UsageStorage } from "../storage/storage.js";

export interface RunMetricsSources {
  /** Runs paused at an interrupt (every process's: read from the database). */
  waitingRuns(): Promise<number>;
  /** Runs of this process waiting for a run slot. */
  queuedRuns(): number;
}

/** The GenAI semantic conventions' bucket boundaries for durations (seconds) and token counts. */
const SECONDS_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

/** Calls reserved and never billed nor released (a process that lost them) are forgotten past this many. */
const CALLS_TRACKED = 10_000;

const RUN_ENDS = { run_completed: "completed", run_failed: "failed", run_cancelled: "cancelled" } as const;

export class RunMetrics {
  private readonly started: Counter;
  private readonly ended: Record<(typeof RUN_ENDS)[keyof typeof RUN_ENDS], Counter>;
  private readonly takeovers: Counter;
  private readonly branchSeconds: Histogram;
  private readonly callSeconds: Histogram;
  private readonly tokens: Histogram;
  /** Model calls reserved and not billed yet: their model and when they began (keyed by run and call). */
  private readonly calls = new Map<string, { model: string; at: number }>();

  constructor(meter: Meter = metrics.getMeter("conductor-mcp"), sources?: RunMetricsSources) {
    this.started = meter.createCounter("conductor.runs.started", { description: "Runs started" });
    this.ended = {
      completed: meter.createCounter("conductor.runs.completed", { description: "Runs that completed" }),
      failed: meter.createCounter("conductor.runs.failed", { description: "Runs that failed" }),
      cancelled: meter.createCounter("conductor.runs.cancelled", { description: "Runs cancelled (cancel_run, a rejected pause, a cancelled waiting call)" }),
    };
    this.takeovers = meter.createCounter("conductor.lease.takeovers", { description: "Runs taken over from a process that stopped renewing its lease" });
    const seconds = { advice: { explicitBucketBoundaries: SECONDS_BUCKETS } };
    this.branchSeconds = meter.createHistogram("conductor.branch.duration", { unit: "s", description: "Branch attempts, by outcome", ...seconds });
    this.callSeconds = meter.createHistogram("gen_ai.client.operation.duration", { unit: "s", description: "Model calls (with the client's retries)", ...seconds });
    this.tokens = meter.createHistogram("gen_ai.client.token.usage", { unit: "{token}", description: "Tokens per model call, by model and direction", advice: { explicitBucketBoundaries: TOKEN_BUCKETS } });
    if (sources) {
      meter.createObservableGauge("conductor.runs.waiting", { description: "Runs paused at an interrupt, waiting for a decision" })
        .addCallback(async (result) => result.observe(await sources.waitingRuns()));
      meter.createObservableGauge("conductor.runs.queued", { description: "Runs waiting for a run slot in this process (--max-concurrent-runs)" })
        .addCallback((result) => result.observe(sources.queuedRuns()));
    }
  }

  /** Counts what the recorded events say happened. */
  observeEvents(events: readonly NewTimelineEvent[]): void {
    for (const e of events) {
      if (e.event === "run_started") this.started.add(1);
      else if (e.event in RUN_ENDS) this.ended[RUN_ENDS[e.event as keyof typeof RUN_ENDS]].add(1);
      else if (e.event === "run_recovered") this.takeovers.add(1);
      else if (e.event === "branch_completed" || e.event === "branch_failed") {
        const seconds = Number(e.data?.seconds);
        const outcome = e.event === "branch_completed" ? "completed" : String(e.data?.status ?? "failed");
        if (Number.isFinite(seconds)) this.branchSeconds.record(seconds, { "conductor.branch.outcome": outcome });
      }
    }
  }

  /** The usage ledger, measuring each model call between its reservation (just before) and its bill (just after). */
  measure(usage: UsageStorage): UsageStorage {
    const key = (runId: string, callKey: string) => `${runId}\u0000${callKey}`;
    return {
      reserve: async (reservation: Reservation) => {
        const outcome = await usage.reserve(reservation);
        if (this.calls.size >= CALLS_TRACKED) this.calls.clear();
        if (outcome.ok) this.calls.set(key(reservation.run_id, reservation.call_key), { model: reservation.model, at: performance.now() });
        return outcome;
      },
      bill: async (runId: string, callKey: string, bill: UsageBill) => {
        await usage.bill(runId, callKey, bill);
        this.billed(key(runId, callKey), bill);
      },
      release: async (runId: string, callKey: string) => {
        await usage.release(runId, callKey);
        this.billed(key(runId, callKey), undefined);
      },
      totals: (runId: string) => usage.totals(runId),
    };
  }

  private billed(key: string, bill: UsageBill | undefined): void {
    const call = this.calls.get(key);
    if (!call) return;
    this.calls.delete(key);
    // Models are named provider:model (--model openai:gpt-4o-mini).
    const colon = call.model.indexOf(":");
    const attributes: Attributes = {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": colon > 0 ? call.model.slice(0, colon) : "unknown",
      "gen_ai.request.model": colon > 0 ? call.model.slice(colon + 1) : call.model,
      ...(bill ? {} : { "error.type": "refused" }),
    };
    this.callSeconds.record((performance.now() - call.at) / 1000, attributes);
    if (!bill) return;
    this.tokens.record(bill.input_tokens, { ...attributes, "gen_ai.token.type": "input" });
    this.tokens.record(bill.output_tokens, { ...attributes, "gen_ai.token.type": "output" });
  }
}
