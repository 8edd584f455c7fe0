/**
 * start_workflow: starts a durable run of the orchestration graph and waits up to `wait_seconds` for it
 * to settle (pause, finish or fail).
 */
import { registerAppTool } from "@modelcontextprotocol/ext-apps/server";
import { z } from "zod";
import { ModelNameSchema } from "../domain/model-name.js";
import { RunStatusShape } from "../domain/run-status.js";
import { APPROVAL_POINTS, EXECUTOR_NAMES, TaskSchema, WORKFLOW_MODES } from "../domain/task.js";
import { RUN_VIEW_TOOL_META } from "../resources/run-view.js";
import type { RunManager } from "../runs/run-manager.js";
import type { StartWorkflowArgs } from "../runs/start-request.js";
import type { GuardedServer } from "./error-boundary.js";
import { annotationsFor } from "./tool-kind.js";
import { answerRound, statusOrForms, type InBandDeps } from "./in-band-approvals.js";
import { waitForRun } from "./wait-for-run.js";

export const StartWorkflowInput = z.object({
  objective: z.string().min(1).max(4000).describe("What the whole run is for"),
  tasks: z.array(TaskSchema).min(1).max(500).describe("The work, one branch per task"),
  sync_points: z.record(z.string().min(1).max(100), z.array(z.string()).min(1)).optional()
    .describe("Ordered stages: name -> task ids. A point's branches settle before the next point's start. Default: one point `all` with every task"),
  mode: z.enum(["auto", ...WORKFLOW_MODES]).default("auto").describe("auto lets the task analyzer decide"),
  approvals: z.array(z.enum(APPROVAL_POINTS)).default(["sync_point", "quality"]).describe("Where the run pauses for a human decision; [] runs straight through"),
  quality_threshold: z.number().min(0).max(1).default(0.7).describe("Below it the quality validator asks for a revision"),
  max_revisions: z.number().int().min(0).max(10).default(2).describe("Revision rounds before the run gives up"),
  branch_timeout_seconds: z.number().positive().max(86_400).default(300).describe("A branch running longer is recorded as timed out"),
  executor: z.enum(EXECUTOR_NAMES).default("auto").describe("Who does the branch work: model (the server calls a chat model), sampling (the client's model), delegate (you do each branch), builtin (offline ranking and statistics), auto"),
  model: ModelNameSchema.optional().describe("The model a model run uses (one the server allows); default: the server's --model"),
  budget: z.object({
    max_tokens: z.number().int().positive().optional().describe("Most input + output tokens the run's model calls may bill"),
    max_cost_usd: z.number().positive().optional().describe("Most dollars the run's model calls may cost (needs --model-prices for its model)"),
  }).strict().optional().describe("The most a run may spend on model calls; the server's --max-run-tokens caps it"),
  run_id: z.string().regex(/^(?!\.+$)[A-Za-z0-9_.:-]{1,128}$/, "run ids are 1-128 letters, digits, '_', '.', ':' or '-', and not only dots (they name a resource URI)").optional()
    .describe("Idempotency key: starting an existing run_id returns that run"),
  wait_seconds: z.number().min(0).max(300).default(20).describe("How long the call waits for the run to settle"),
  elicit: z.boolean().default(false).describe("Ask the user directly (MCP elicitation: a form with the decision and feedback) when the run pauses, where the client supports it; approve_interrupt still works"),
});

/** What the schema parses is the runs layer's request (the same fields, of the same types), plus how long this call waits. */
type Same<A, B> = [A, keyof A] extends [B, keyof B] ? ([B, keyof B] extends [A, keyof A] ? true : false) : false;
true satisfies Same<Omit<z.infer<typeof StartWorkflowInput>, "wait_seconds">, StartWorkflowArgs>;

/** What start_workflow calls. */
export interface StartWorkflowDeps extends InBandDeps {
  manager: InBandDeps["manager"] & Pick<RunManager, "start">;
  /** Whether this session's client declared the sampling capability (for executor auto). */
  clientSamples(): boolean;
}

export function registerStartWorkflow(server: GuardedServer, deps: StartWorkflowDeps): void {
  registerAppTool(server, "start_workflow", {
    title: "Start a multi-agent workflow",
    description:
      "Start a durable workflow run: one branch per task (research tasks rank evidence in their inputs; analysis tasks compute " +
      "statistics over CSV inputs), run in parallel waves, synchronized at sync points, merged by quality, checked by a quality gate, " +
      "and written up as a report with source attribution. By default the run pauses for a human decision at each sync point and " +
      "before the quality gate: answer with approve_interrupt. Pass approvals: [] to run straight through. Returns the run's status " +
      "(pending interrupts, progress, and the report once completed) after at most wait_seconds.",
    inputSchema: StartWorkflowInput,
    outputSchema: z.object(RunStatusShape),
    _meta: RUN_VIEW_TOOL_META,
    annotations: annotationsFor("create-idempotent"),
  }, async ({ wait_seconds, ...request }, extra) => {
    // A 2026-07-28 retry carrying the answer to a pause's form continues that run (in-band-approvals.ts).
    const answered = await answerRound(deps, extra, wait_seconds);
    if (answered) return answered;
    const { run_id, created } = await deps.manager.start(request, { principal: deps.principal, clientSamples: deps.clientSamples() });
    deps.followRun(run_id);
    const status = await waitForRun(deps, run_id, wait_seconds, extra);
    return statusOrForms(deps, extra, status, { notes: created ? [] : [`Run ${run_id} exists already; returning it (run_id is an idempotency key).`], askMore: true });
  });
}
