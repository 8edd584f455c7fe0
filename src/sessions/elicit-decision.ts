/**
 * Elicitation, at the MCP edge: puts a paused run's decision to the user as a form (decision, feedback) through
 * the client's session, where the client declared the elicitation capability. Returns null when it cannot ask or
 * the user declines. The run manager only sees the result (RunManagerDeps.askUser).
 */
import type { McpServer } from "@modelcontextprotocol/server";
import type { HumanDecision } from "../orchestration/quality.js";
import type { PendingInterrupt } from "../runs/run-status.js";

export const ASK_TIMEOUT_SECONDS = 600;

export async function elicitDecision(server: McpServer, runId: string, pause: PendingInterrupt): Promise<HumanDecision | null> {
  if (!server.server.getClientCapabilities()?.elicitation) return null;
  const options = pause.options.filter((o): o is HumanDecision["decision"] => o === "approve" || o === "revise" || o === "reject");
  const result = await server.server.elicitInput({
    message: `Workflow run ${runId} is paused at ${pause.point}.\n\n${pause.summary}`,
    requestedSchema: {
      type: "object",
      properties: {
        decision: { type: "string", title: "Decision", enum: options, description: "approve continues, revise re-runs the weakest branches with your feedback, reject cancels the run" },
        feedback: { type: "string", title: "Feedback", description: "What the revised branches should do better (for revise)" },
      },
      required: ["decision"],
    },
  }, { timeout: ASK_TIMEOUT_SECONDS * 1000 });
  if (result.action !== "accept" || !result.content) return null;
  const decision = result.content.decision;
  if (decision !== "approve" && decision !== "revise" && decision !== "reject") return null;
  const feedback = typeof result.content.feedback === "string" && result.content.feedback.trim() !== "" ? result.content.feedback : undefined;
  return { decision, ...(feedback ? { feedback } : {}) };
}
