/**
 * Turning an answer to a paused run into the resume the graph is invoked with (pure): which interrupt a decision
 * answers, whether it may (revisions left), and whether branch results fit their pending work orders.
 * Every problem is a UserError that says what to do; nothing is resumed then.
 */
import { MalformedAnswerError, normalizeAnswer } from "../agents/executors/model-answer.js";
import { UserError } from "../errors.js";
import type { HumanDecision } from "../orchestration/quality.js";
import type { NewTimelineEvent } from "../domain/timeline-event.js";
import type { PendingInterrupt } from "./run-status.js";
import { Resume } from "./run-threads.js";

export interface Answer extends HumanDecision {
  interrupt_id?: string;
  /** Answers to branch_work interrupts (delegate executor), by branch id. */
  branch_results?: BranchResultAnswer[];
  /** Where the answer came from, for the timeline (approve_interrupt, elicitation). */
  via?: string;
}

export interface BranchResultAnswer {
  branch_id: string;
  findings: Array<string | { text: string; source?: string }> | Record<string, unknown>;
  confidence?: number;
}

export interface ResumePlan {
  resume: Resume;
  events: NewTimelineEvent[];
}

export function planResume(runId: string, pending: PendingInterrupt[], answer: Answer, maxRevisions?: number): ResumePlan {
  if (answer.branch_results?.length) return answerBranchWork(runId, pending, answer.branch_results);
  const decisions = pending.filter((p) => p.point !== "branch_work");
  if (decisions.length === 0 && pending.length > 0) {
    throw new UserError(`run "${runId}" waits for branch work, not a decision: answer with branch_results for ${pending.map((p) => p.payload.branch_id).join(", ")} (see each pending interrupt's payload for the work order)`);
  }
  const target = chooseInterrupt(runId, decisions, answer.interrupt_id);
  if (answer.decision === "revise" && !target.options.includes("revise")) {
    throw new UserError(`no revisions left for run "${runId}" (max_revisions ${maxRevisions ?? "?"}); approve or reject`);
  }
  const value: HumanDecision = { decision: answer.decision, ...(answer.feedback ? { feedback: answer.feedback } : {}) };
  return {
    resume: new Resume({ [target.interrupt_id]: value }),
    events: [{ key: `resumed:${target.interrupt_id}`, event: "resumed", data: { interrupt_id: target.interrupt_id, point: target.point, ...value, ...(answer.via ? { via: answer.via } : {}) } }],
  };
}

/** Validates branch results against the pending work orders and builds the resume. */
function answerBranchWork(runId: string, pending: PendingInterrupt[], results: BranchResultAnswer[]): ResumePlan {
  const orders = new Map(pending.filter((p) => p.point === "branch_work").map((p) => [String(p.payload.branch_id), p]));
  if (orders.size === 0) throw new UserError(`run "${runId}" has no pending branch_work interrupt; branch_results answer the delegate executor's work orders`);
  const resume: Record<string, unknown> = {};
  const answered: Array<{ interrupt_id: string; branch_id: string }> = [];
  for (const [i, r] of results.entries()) {
    const order = orders.get(r.branch_id);
    if (!order) throw new UserError(`branch_results[${i}]: branch "${r.branch_id}" is not waiting for work; waiting: ${[...orders.keys()].join(", ")}`);
    if (resume[order.interrupt_id]) throw new UserError(`branch_results[${i}]: branch "${r.branch_id}" is answered twice`);
    try {
      const parsed = normalizeAnswer({ findings: r.findings, ...(r.confidence !== undefined ? { confidence: r.confidence } : {}) });
      if (parsed.findings.length === 0) throw new MalformedAnswerError("findings is empty: give at least one finding");
    } catch (error) {
      throw new UserError(`branch_results[${i}] (branch "${r.branch_id}"): ${(error as Error).message}; nothing was resumed, the branches stay paused`);
    }
    resume[order.interrupt_id] = { findings: r.findings, ...(r.confidence !== undefined ? { confidence: r.confidence } : {}) };
    answered.push({ interrupt_id: order.interrupt_id, branch_id: r.branch_id });
  }
  return {
    resume: new Resume(resume),
    events: answered.map((a) => ({ key: `resumed:${a.interrupt_id}`, event: "resumed" as const, data: { ...a, point: "branch_work" } })),
  };
}

function chooseInterrupt(runId: string, pending: PendingInterrupt[], requested?: string): PendingInterrupt {
  if (pending.length === 0) throw new UserError(`run "${runId}" has no pending interrupt`);
  if (requested !== undefined) {
    const found = pending.find((p) => p.interrupt_id === requested);
    if (!found) throw new UserError(`interrupt "${requested}" is not pending on run "${runId}"; pending: ${pending.map((p) => `${p.interrupt_id} (${p.point})`).join(", ")}`);
    return found;
  }
  if (pending.length > 1) {
    throw new UserError(`run "${runId}" has ${pending.length} pending interrupts; pass interrupt_id, one of: ${pending.map((p) => `${p.interrupt_id} (${p.point})`).join(", ")}`);
  }
  return pending[0]!;
}
