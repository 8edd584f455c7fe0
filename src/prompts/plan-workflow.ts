/**
 * plan_workflow: a prompt that turns a goal into a start_workflow call, for assistants that have not used
 * this server before.
 */
import { z } from "zod";
import type { GuardedServer } from "../tools/error-boundary.js";

export const PlanWorkflowArgs = {
  goal: z.string().describe("What the workflow should find out or decide"),
  sources: z.string().optional().describe("The documents or files to work from (names, paths or pasted text)"),
  review: z.string().optional().describe('"yes" to pause for your approval at sync points and the quality gate, "no" to run straight through'),
};

export function registerPlanWorkflowPrompt(server: GuardedServer): void {
  server.registerPrompt("plan_workflow", {
    title: "Plan a multi-agent workflow",
    description: "Turns a goal and its sources into a start_workflow call: research and analysis tasks, sync points, approvals.",
    argsSchema: PlanWorkflowArgs,
  }, ({ goal, sources, review }) => ({
    messages: [{
      role: "user",
      content: {
        type: "text",
        text: [
          `Plan and start a conductor workflow for this goal: ${goal}`,
          sources ? `Work from these sources: ${sources}` : "Ask me for the sources to work from if you have none: the branches only use what they are given.",
          "",
          "Call the start_workflow tool with:",
          "- objective: the goal in one or two sentences.",
          "- tasks: 3 to 7 tasks. Research tasks (type \"research\") get a focus: \"technical\", \"market\" or \"competitive\". " +
            "Analysis tasks (type \"analysis\") work on tables (CSV) and get priority \"high\" for the ones that matter most. " +
            "Give every task a one-sentence description with the words its evidence should contain, and its inputs: " +
            "{ name, text } for text you have, or { path } for files in the server's allowed directories.",
          "- sync_points only when some tasks must finish before others start (name -> task ids, in order); depends_on for single dependencies.",
          `- approvals: ${review === "no" ? "[] (run straight through)" : "leave the default, so the run pauses for my decision at each sync point and before the quality gate"}.`,
          "",
          "When the run pauses, show me the summary and its options, and call approve_interrupt with my decision. If it pauses with " +
            "branch_work orders (delegate executor), do each order's work from its prompt, citing source names, and answer with branch_results. " +
            "When it completes, show me the report.",
          "",
          "To try part of a run another way (one task asked differently, a lower quality bar, another model for the report), do not " +
            "start over: call get_run_history, pick the checkpoint of the sync point or quality gate to go back to, and call fork_run " +
            "with changes; the branches settled there are kept and only the edited tasks and their dependents run again.",
        ].join("\n"),
      },
    }],
  }));
}
