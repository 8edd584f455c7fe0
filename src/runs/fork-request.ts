/**
 * A fork's changes (fork_run's `changes`; its MCP schema is src/tools/fork-run.ts) applied to the original run's
 * options and tasks, with every inconsistency answered by a UserError: unknown task ids, an executor or model the
 * server or client cannot give, inputs over the limits.
 */
import { UserError } from "../errors.js";
import type { APPROVAL_POINTS, EXECUTOR_NAMES, PRIORITIES, FOCUSES, Task, TaskInput } from "../domain/task.js";
import { chooseExecutor } from "../agents/executors/choose-executor.js";
import type { RunOptions } from "../orchestration/state.js";
import type { InputAccess } from "./input-access.js";
import { runModel, taskInputs, type ModelPolicy, type PreparedRun } from "./start-request.js";

export interface TaskEdit {
  id: string;
  description?: string;
  focus?: (typeof FOCUSES)[number];
  priority?: (typeof PRIORITIES)[number];
  inputs?: TaskInput[];
}

export interface ForkChangesArgs {
  approvals?: Array<(typeof APPROVAL_POINTS)[number]>;
  quality_threshold?: number;
  max_revisions?: number;
  executor?: (typeof EXECUTOR_NAMES)[number];
  model?: string;
  budget?: { max_tokens?: number; max_cost_usd?: number };
  tasks?: TaskEdit[];
}

export interface PreparedFork {
  options: RunOptions;
  tasks: Task[];
  edited: string[];
  /** Inline inputs of the edited tasks that gave new ones (their old ones are not copied). */
  inline: PreparedRun["inline"];
  /** Tasks whose inputs the fork replaces. */
  replacedInputs: Set<string>;
}

/** The original's options and tasks with `changes` applied. */
export async function prepareFork(original: { options: RunOptions; tasks: Task[] }, changes: ForkChangesArgs, inputs: InputAccess, clientSamples: boolean, models?: ModelPolicy): Promise<PreparedFork> {
  const byId = new Map(original.tasks.map((t) => [t.id, t]));
  const edits = new Map<string, TaskEdit>();
  for (const [i, edit] of (changes.tasks ?? []).entries()) {
    if (!byId.has(edit.id)) throw new UserError(`changes.tasks[${i}]: the run has no task "${edit.id}"; its tasks: ${original.tasks.map((t) => t.id).join(", ")}`);
    if (edits.has(edit.id)) throw new UserError(`changes.tasks[${i}]: task "${edit.id}" is edited twice; give its changes once`);
    edits.set(edit.id, edit);
  }
  const inline: PreparedRun["inline"] = [];
  const replacedInputs = new Set<string>();
  const tasks: Task[] = [];
  for (const task of original.tasks) {
    const edit = edits.get(task.id);
    if (!edit) {
      tasks.push(task);
      continue;
    }
    const edited: Task = { ...task };
    if (edit.description !== undefined) edited.description = edit.description;
    if (edit.focus !== undefined) edited.focus = edit.focus;
    if (edit.priority !== undefined) edited.priority = edit.priority;
    if (edit.inputs !== undefined) {
      edited.inputs = await taskInputs(task.id, edit.inputs, inputs, inline);
      replacedInputs.add(task.id);
    }
    tasks.push(edited);
  }
  return { options: forkOptions(original.options, changes, tasks, clientSamples, models), tasks, edited: [...edits.keys()], inline, replacedInputs };
}

function forkOptions(original: RunOptions, changes: ForkChangesArgs, tasks: Task[], clientSamples: boolean, models?: ModelPolicy): RunOptions {
  const options: RunOptions = { ...original };
  if (changes.approvals !== undefined) options.approvals = [...new Set(changes.approvals)];
  if (changes.quality_threshold !== undefined) options.quality_threshold = changes.quality_threshold;
  if (changes.max_revisions !== undefined) options.max_revisions = changes.max_revisions;
  if (changes.executor !== undefined) {
    options.executor = chooseExecutor(changes.executor, clientSamples, tasks.every((t) => t.inputs.length > 0), models !== undefined);
  }
  const modelRun = options.executor === "model";
  if (!modelRun && (changes.model !== undefined || changes.budget !== undefined)) {
    throw new UserError(`changes.model and changes.budget apply to the model executor, and the fork's executor is "${options.executor}"; add executor: "model"`);
  }
  if (!modelRun) {
    delete options.model;
    delete options.budget;
  } else if (changes.model !== undefined || changes.budget !== undefined || original.executor !== "model") {
    if (!models) throw new UserError('executor "model" needs a model configured on the server (--model PROVIDER:MODEL)');
    const chosen = runModel({ model: changes.model ?? original.model, budget: changes.budget ?? original.budget }, models);
    options.model = chosen.model;
    options.budget = chosen.budget;
  }
  return options;
}
