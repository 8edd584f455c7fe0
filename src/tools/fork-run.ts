/**
 * fork_run: a new run that starts from one checkpoint of another (get_run_history lists them), with some of its
 * settings or tasks changed; what settled there is kept, the edited tasks and their dependents run again. Waits up
 * to `wait_seconds` for the fork to settle, like start_workflow.
 */
import { registerAppTool } from "@modelcontextprotocol/ext-apps/server";
import { z } from "zod";
import { ModelNameSchema } from "../domain/model-name.js";
import { RunStatusShape } from "../domain/run-status.js";
import { APPROVAL_POINTS, EXECUTOR_NAMES, FOCUSES, PRIORITIES, TaskInputSchema } from "../domain/task.js";
import { RUN_VIEW_TOOL_META } from "../resources/run-view.js";
import type { ForkChangesArgs } from "../runs/fork-request.js";
import type { ForkRunArgs, RunManager } from "../runs/run-manager.js";
import type { GuardedServer } from "./error-boundary.js";
import { annotationsFor } from "./tool-kind.js";
import { answerRound, statusOrForms, type InBandDeps } from "./in-band-approvals.js";
import { StartWorkflowInput } from "./start-workflow.js";
import { waitForRun } from "./wait-for-run.js";

export const ForkChangesSchema = z.object({
  approvals: z.array(z.enum(APPROVAL_POINTS)).optional().describe("Where the fork pauses for a decision; [] runs straight through"),
  quality_threshold: z.number().min(0).max(1).optional().describe("The fork's quality bar"),
  max_revisions: z.number().int().min(0).max(10).optional().describe("The fork's revision rounds (those the original used count)"),
  executor: z.enum(EXECUTOR_NAMES).optional().describe("Who does the work that is left"),
  model: ModelNameSchema.optional().describe("The model of a model fork (one the server allows), for its branches and its report"),
  budget: z.object({
    max_tokens: z.number().int().positive().optional(),
    max_cost_usd: z.number().positive().optional(),
  }).strict().optional().describe("The fork's own budget for model calls (it starts with none spent)"),
  tasks: z.array(z.object({
    id: z.string().min(1).max(64).describe("A task of the run"),
    description: z.string().min(1).max(4000).optional(),
    focus: z.enum(FOCUSES).optional(),
    priority: z.enum(PRIORITIES).optional(),
    inputs: z.array(TaskInputSchema).max(100).optional().describe("New inputs instead of the task's own"),
  }).strict()).max(500).optional().describe("Edited tasks: each, and every task depending on it, runs again"),
}).strict();

export const ForkRunInput = z.object({
  run_id: z.string().min(1).max(128).describe("The run to fork (any status: it is not changed)"),
  checkpoint_id: z.string().min(1).max(200).describe("Where to start from: a checkpoint_id from get_run_history"),
  changes: ForkChangesSchema.optional(),
  new_run_id: StartWorkflowInput.shape.run_id.describe("The fork's run id (an idempotency key, like start_workflow's run_id); default: a fresh one"),
  wait_seconds: z.number().min(0).max(300).default(20).describe("How long the call waits for the fork to settle"),
  elicit: z.boolean().optional().describe("Ask the user directly when the fork pauses (default: as the original)"),
});

/** The schema's changes are the runs layer's (the same fields, of the same types). */
true satisfies z.infer<typeof ForkChangesSchema> extends ForkChangesArgs ? true : false;

/** What fork_run calls. */
export interface ForkRunDeps extends InBandDeps {
  manager: InBandDeps["manager"] & Pick<RunManager, "fork">;
  clientSamples(): boolean;
}

export function registerForkRun(server: GuardedServer, deps: ForkRunDeps): void {
  registerAppTool(server, "fork_run", {
    title: "Fork a run from one of its checkpoints",
    description:
      "Start a new run from a checkpoint of an existing one (get_run_history lists them) to try the rest another way without " +
      "redoing what holds: branches settled there are kept; tasks you edit in changes.tasks (description, focus, priority, inputs) and " +
      "the tasks depending on them run again; changes may also set approvals, quality_threshold, max_revisions, executor, model and " +
      "budget. The original run is not changed. Returns the fork's status (forked_from names its origin) after at most wait_seconds.",
    inputSchema: ForkRunInput,
    outputSchema: z.object(RunStatusShape),
    _meta: RUN_VIEW_TOOL_META,
    annotations: annotationsFor("create-idempotent"),
  }, async ({ wait_seconds, run_id, ...request }, extra) => {
    const answered = await answerRound(deps, extra, wait_seconds);
    if (answered) return answered;
    const args: ForkRunArgs = {
      checkpoint_id: request.checkpoint_id,
      ...(request.changes ? { changes: request.changes as ForkChangesArgs } : {}),
      ...(request.new_run_id !== undefined ? { new_run_id: request.new_run_id } : {}),
      ...(request.elicit !== undefined ? { elicit: request.elicit } : {}),
    };
    const fork = await deps.manager.fork(run_id, args, { principal: deps.principal, clientSamples: deps.clientSamples() });
    deps.followRun(fork.run_id);
    const status = await waitForRun(deps, fork.run_id, wait_seconds, extra);
    return statusOrForms(deps, extra, status, {
      notes: fork.created ? [`Run ${fork.run_id} is a fork of ${run_id} from checkpoint ${request.checkpoint_id}.`] : [`Run ${fork.run_id} exists already; returning it (new_run_id is an idempotency key).`],
      askMore: true,
    });
  });
}
