/**
 * approve_interrupt: answers a run's pending interrupt (approve, revise with feedback, or reject) and
 * waits up to `wait_seconds` for the run to settle again.
 */
import { registerAppTool } from "@modelcontextprotocol/ext-apps/server";
import { z } from "zod";
import { RunStatusShape } from "../domain/run-status.js";
import { UserError } from "../errors.js";
import { RUN_VIEW_TOOL_META } from "../resources/run-view.js";
import type { GuardedServer } from "./error-boundary.js";
import { annotationsFor } from "./tool-kind.js";
import { answerRound, statusOrForms, type InBandDeps } from "./in-band-approvals.js";
import { waitForRun } from "./wait-for-run.js";

export const ApproveInterruptInput = z.object({
  run_id: z.string().min(1).max(128).describe("The run waiting at an interrupt"),
  interrupt_id: z.string().max(200).optional().describe("Which pending interrupt; may be left out when exactly one is pending"),
  decision: z.enum(["approve", "revise", "reject"]).describe("approve continues; revise re-runs the weakest branches with the feedback; reject cancels the run"),
  feedback: z.string().max(4000).optional().describe("For revise: what the re-run branches should do better"),
  branch_results: z.array(z.object({
    branch_id: z.string(),
    findings: z.union([
      z.array(z.union([z.string(), z.object({ text: z.string(), source: z.string().optional() })])),
      z.record(z.string(), z.unknown()),
    ]).describe("The branch's findings: strings, { text, source } objects (source = an input's name), or a map from source name to strings"),
    confidence: z.number().min(0).max(1).optional(),
  })).optional().describe("Answers to branch_work interrupts (delegate executor)"),
  wait_seconds: z.number().min(0).max(300).default(20).describe("How long the call waits for the run to settle"),
});

/** What approve_interrupt calls. */
export type ApproveInterruptDeps = InBandDeps;

export function registerApproveInterrupt(server: GuardedServer, deps: ApproveInterruptDeps): void {
  registerAppTool(server, "approve_interrupt", {
    title: "Answer a paused workflow",
    description:
      "Resume a run that is waiting at an interrupt (status interrupted; see pending_interrupts in the run's status). " +
      "For branch_work interrupts (delegate executor: you do the branch's work) pass decision approve and branch_results " +
      "[{ branch_id, findings: [{ text, source }] or strings, confidence }], one or many at once; the others stay paused. " +
      "decision approve continues; revise sends the run back through the load balancer to re-run the weakest branches with your " +
      "feedback; reject ends the run as cancelled. interrupt_id may be left out when exactly one interrupt is pending. Returns the " +
      "run's status after at most wait_seconds: it may be paused again at the next point, or completed with its report.",
    inputSchema: ApproveInterruptInput,
    outputSchema: z.object(RunStatusShape),
    _meta: RUN_VIEW_TOOL_META,
    annotations: annotationsFor("update"),
  }, async (args, extra) => {
    // A 2026-07-28 retry carries the answer to the next pause's form: the call's own decision was applied already.
    const answered = await answerRound(deps, extra, args.wait_seconds);
    if (answered) return answered;
    if (args.branch_results?.length && args.decision !== "approve") {
      throw new UserError('branch_results go with decision "approve"; to stop the run, answer a sync point with reject');
    }
    await deps.manager.resume(args.run_id, {
      decision: args.decision,
      ...(args.branch_results?.length ? { branch_results: args.branch_results } : {}),
      ...(args.interrupt_id !== undefined ? { interrupt_id: args.interrupt_id } : {}),
      ...(args.feedback !== undefined ? { feedback: args.feedback } : {}),
    }, deps.principal);
    deps.followRun(args.run_id);
    const status = await waitForRun(deps, args.run_id, args.wait_seconds, extra);
    return statusOrForms(deps, extra, status, { askMore: true });
  });
}
