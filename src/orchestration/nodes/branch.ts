/**
 * The five branch nodes (research alpha/beta/gamma, analysis primary/secondary) share one body: take the
 * agent's resources from the pool, load the task's inputs, run the agent through its executor under the
 * branch timeout, record the result and performance, and report the outcome to the agent's template
 * (monitoring: success, quality, seconds; selection learns from it). A failure or timeout is recorded as a failed
 * branch; it never fails the run or the superstep. Resources are given back whatever happens.
 */
import { isGraphInterrupt } from "@langchain/langgraph";
import type { BranchOutcome } from "../../agents/executors/types.js";
import type { BranchAssignment, StateUpdate } from "../state.js";
import type { BranchNodeName, BranchResult } from "../../domain/branch-result.js";
import { round4 } from "../task-analysis.js";
import { defineNode, type GraphDeps, type NodeEvent } from "./define-node.js";
import { listenForAbort } from "../abort-listener.js";
import { failSpan, inAgentSpan } from "../../telemetry/spans.js";

export class BranchTimeoutError extends Error {
  override name = "BranchTimeoutError";
}

export function branchNode(name: BranchNodeName, deps: GraphDeps) {
  return defineNode<BranchAssignment>(name, deps, async (assignment, { config }) => {
    const { run_id } = assignment;
    // Wait for a place in the run's window first: the branch's time and timeout start when it starts working.
    const leave = await deps.windows.enter(run_id, assignment.window, config.signal, assignment.position);
    try {
      const { branch } = assignment;
      return await inAgentSpan(run_id, branch.agent.agent_type, {
        "gen_ai.agent.id": branch.agent.agent_id, "conductor.branch.id": branch.branch_id, "conductor.branch.attempt": branch.attempts,
        "conductor.task.id": assignment.task.id, "conductor.executor": assignment.executor, ...(assignment.model ? { "conductor.model": assignment.model } : {}),
      }, async (span) => {
        const done = await work(name, deps, assignment, config.signal);
        const result = (done.update.completed_branches as Record<string, BranchResult> | undefined)?.[branch.branch_id];
        if (result) span.setAttribute("conductor.branch.status", result.status);
        if (result && result.status !== "success") failSpan(span, undefined, result.status === "timed_out" ? "timeout" : "branch_failed", result.error ?? result.status);
        return done;
      }, isGraphInterrupt);
    } finally {
      leave();
    }
  }, (a) => a.branch.branch_id);
}

/** The branch's work once it is inside the window: what the node returns. */
async function work(name: BranchNodeName, deps: GraphDeps, assignment: BranchAssignment, runSignal: AbortSignal | undefined): Promise<{ update: StateUpdate; events: NodeEvent[] }> {
    const { branch, task, run_id } = assignment;
    const config = { signal: runSignal };
    const started = performance.now();
    // One controller for the branch, aborted by its timeout or by the run's signal. (Not AbortSignal.any:
    // on Node 20 it kept ~10 KiB per run alive, measured with bench/leak-probe.ts.)
    const branchAbort = new AbortController();
    const timer = setTimeout(
      () => branchAbort.abort(new BranchTimeoutError(`branch ${branch.branch_id} timed out after ${assignment.timeout_seconds} s`)),
      assignment.timeout_seconds * 1000,
    );
    const onRunAbort = () => branchAbort.abort(config.signal?.reason);
    let stopListening = () => {};
    if (config.signal?.aborted) onRunAbort();
    else if (config.signal) stopListening = listenForAbort(config.signal, onRunAbort);
    const signal = branchAbort.signal;
    let release: (() => void) | undefined;
    let outcome: BranchOutcome | undefined;
    let error: unknown;
    try {
      const taken = await deps.agents.acquire(branch.agent.agent_id, signal);
      release = taken.release;
      const inputs = await deps.loadInputs(run_id, task, signal);
      outcome = await abortable(
        deps.executors[assignment.executor].runBranch({
          run_id, branch_id: branch.branch_id, objective: assignment.objective, task, inputs, agent: taken.agent, signal,
          timeout_seconds: assignment.timeout_seconds, attempt: branch.attempts,
          ...(assignment.model ? { model: assignment.model } : {}), ...(assignment.budget ? { budget: assignment.budget } : {}),
        }),
        signal,
      );
    } catch (e) {
      if (isGraphInterrupt(e)) throw e; // a delegate work order: the branch pauses, it has not failed
      error = signal.aborted ? signal.reason : e;
    } finally {
      clearTimeout(timer);
      stopListening();
      release?.();
    }
    const seconds = (performance.now() - started) / 1000;
    const result: BranchResult = {
      branch_id: branch.branch_id, task_id: task.id, node: name, type: task.type, attempt: branch.attempts, agent_id: branch.agent.agent_id,
      status: outcome ? "success" : error instanceof BranchTimeoutError ? "timed_out" : "failed",
      findings_count: outcome?.findings.length ?? 0,
      performance: {
        execution_time: round4(seconds),
        resource_utilization: branch.resources.cpu,
        data_quality_score: outcome?.quality ?? 0,
        throughput: outcome && seconds > 0 ? round4(outcome.findings.length / seconds) : 0,
      },
      completed_at: new Date().toISOString(),
    };
    if (outcome) {
      await deps.results.put(run_id, branch.branch_id, branch.attempts, {
        findings: outcome.findings,
        ...(outcome.statistics ? { statistics: outcome.statistics } : {}),
        ...(outcome.text_statistics ? { text_statistics: outcome.text_statistics } : {}),
        ...(outcome.notes ? { notes: outcome.notes } : {}),
      });
    }
    if (!outcome) result.error = errorText(error);
    const reason = !outcome ? (error as { reason?: unknown } | undefined)?.reason : undefined;
    if (typeof reason === "string") result.reason = reason;
    if (outcome?.usage) result.usage = outcome.usage;
    await deps.agents.recordOutcome({
      agent_type: branch.agent.agent_type, agent_id: branch.agent.agent_id, run_id, branch_id: branch.branch_id, attempt: branch.attempts,
      success: outcome !== undefined, quality: result.performance.data_quality_score, seconds: result.performance.execution_time,
    });
    return {
      update: { completed_branches: { [branch.branch_id]: result } },
      events: [outcome
        ? { event: "branch_completed", node: name, branch_id: branch.branch_id, data: { attempt: branch.attempts, quality: result.performance.data_quality_score, findings: result.findings_count, seconds: result.performance.execution_time, ...(result.usage ? { usage: result.usage } : {}) } }
        : { event: "branch_failed", node: name, branch_id: branch.branch_id, data: { attempt: branch.attempts, status: result.status, error: result.error, ...(result.reason ? { reason: result.reason } : {}) } }],
    };
}

/** Settles with the work, or rejects as soon as the signal aborts (for executors that ignore it). */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** A failure's message as recorded (state, timeline, report): at most 2,000 characters, whatever threw it. */
function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 2000 ? `${message.slice(0, 1999)}\u2026` : message;
}
