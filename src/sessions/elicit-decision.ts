/**
 * Elicitation, at the MCP edge: puts a paused run's decision to the user as a form (decision, feedback) through
 * the client's session, where the client declared the elicitation capability (2025-11-25: the server pushes the
 * request). Returns null when it cannot ask or the user declines. The run manager only sees the result
 * (RunManagerDeps.askUser).
 */
import type { McpServer } from "@modelcontextprotocol/server";
import type { HumanDecision } from "../orchestration/quality.js";
import type { PendingInterrupt } from "../runs/run-status.js";
import { decisionForm, decisionFrom } from "./decision-form.js";

export const ASK_TIMEOUT_SECONDS = 600;

export async function elicitDecision(server: McpServer, runId: string, pause: PendingInterrupt): Promise<HumanDecision | null> {
  if (!server.server.getClientCapabilities()?.elicitation) return null;
  const result = await server.server.elicitInput(decisionForm(runId, pause), { timeout: ASK_TIMEOUT_SECONDS * 1000 });
  return result.action === "accept" ? decisionFrom(result.content) : null;
}
