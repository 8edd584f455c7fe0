/**
 * The form that puts a paused run's decision to its user (decision, feedback), and the decision read back from
 * the form's answer. One form for both ways of asking: pushed to a 2025-11-25 client (elicit-decision.ts) and
 * returned in-band as input_required to a 2026-07-28 one (tools/in-band-approvals.ts).
 */
import type { ElicitRequestFormParams } from "@modelcontextprotocol/server";
import type { HumanDecision } from "../orchestration/quality.js";
import type { PendingInterrupt } from "../runs/run-status.js";

export function decisionForm(runId: string, pause: PendingInterrupt): Omit<ElicitRequestFormParams, "mode"> {
  const options = pause.options.filter((o): o is HumanDecision["decision"] => o === "approve" || o === "revise" || o === "reject");
  return {
    message: `Workflow run ${runId} is paused at ${pause.point}.\n\n${pause.summary}`,
    requestedSchema: {
      type: "object",
      properties: {
        decision: { type: "string", title: "Decision", enum: options, description: "approve continues, revise re-runs the weakest branches with your feedback, reject cancels the run" },
        feedback: { type: "string", title: "Feedback", description: "What the revised branches should do better (for revise)" },
      },
      required: ["decision"],
    },
  };
}

/** The decision an accepted form's content holds; null for anything else (the content comes from the client). */
export function decisionFrom(content: Record<string, unknown> | undefined): HumanDecision | null {
  const decision = content?.decision;
  if (decision !== "approve" && decision !== "revise" && decision !== "reject") return null;
  const feedback = typeof content?.feedback === "string" && content.feedback.trim() !== "" ? content.feedback.slice(0, 4000) : undefined;
  return { decision, ...(feedback ? { feedback } : {}) };
}
