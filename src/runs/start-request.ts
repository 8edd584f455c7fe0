/**
 * A start request (its MCP schema is start_workflow's, src/tools/start-workflow.ts) and its normalization into
 * a run (task ids, defaults, sync points, dependencies, input references, the model and budget), with every
 * inconsistency answered by a UserError.
 */
import { UserError } from "../errors.js";
import type { APPROVAL_POINTS, EXECUTOR_NAMES, WORKFLOW_MODES, InputRef, Task, TaskInput, TaskSpec } from "../domain/task.js";
import type { RunOptions, SyncPoint } from "../orchestration/state.js";
import type { InputAccess } from "./input-access.js";
import { chooseExecutor } from "../agents/executors/choose-executor.js";
import type { RunExecutor } from "../agents/executors/types.js";
import type { RunBudget } from "../agents/models/budget.js";

export const DEFAULT_RETRY_ATTEMPTS = 2;

/** One of start_workflow's modes: auto lets the task analyzer decide. */
export type RequestedMode = "auto" | (typeof WORKFLOW_MODES)[number];

/**
 * A start request as the runs layer takes it: start_workflow's arguments after validation, defaults filled
 * (the tool's schema, src/tools/start-workflow.ts, is checked to parse into exactly this, bar wait_seconds).
 */
export interface StartWorkflowArgs {
  objective: string;
  tasks: TaskSpec[];
  /** Ordered stages: name -> task ids. */
  sync_points?: Record<string, string[]>;
  mode: RequestedMode;
  approvals: Array<(typeof APPROVAL_POINTS)[number]>;
  quality_threshold: number;
  max_revisions: number;
  branch_timeout_seconds: number;
  executor: (typeof EXECUTOR_NAMES)[number];
  /** `PROVIDER:MODEL`, one the server allows. */
  model?: string;
  budget?: { max_tokens?: number; max_cost_usd?: number };
  /** Idempotency key. */
  run_id?: string;
  elicit: boolean;
}

export interface PreparedRun {
  objective: string;
  tasks: Task[];
  inline: Array<{ task_id: string; idx: number; name: string; text: string }>;
  sync_points: SyncPoint[];
  dependencies: Record<string, string[]>;
  options: RunOptions;
  requested_mode: "parallel" | "sequential" | "adaptive" | null;
  executor: RunExecutor;
}

export interface RequestLimits {
  maxTasks: number;
  maxObjectiveChars: number;
}

/** What the server's model settings allow a run (undefined: no model configured). */
export interface ModelPolicy {
  model: string;
  allowed: readonly string[];
  maxRunTokens: number | undefined;
  priced: (model: string) => boolean;
}

const CONTRACT_LIMITS: RequestLimits = { maxTasks: 500, maxObjectiveChars: 4000 };

/** Normalizes a start request; `clientSamples` says whether the client declared the sampling capability. */
export async function prepareRun(args: StartWorkflowArgs, inputs: InputAccess, clientSamples = false, limits: RequestLimits = CONTRACT_LIMITS, models?: ModelPolicy): Promise<PreparedRun> {
  if (args.tasks.length > limits.maxTasks) {
    throw new UserError(`the run has ${args.tasks.length} tasks, more than this server's limit of ${limits.maxTasks} (--max-tasks); split it into several runs`);
  }
  if (args.objective.length > limits.maxObjectiveChars) {
    throw new UserError(`the objective has ${args.objective.length} characters, more than this server's limit of ${limits.maxObjectiveChars} (--max-objective-chars); shorten it and put detail in the task descriptions`);
  }
  const executor = chooseExecutor(args.executor, clientSamples, args.tasks.every((t) => (t.inputs?.length ?? 0) > 0), models !== undefined);
  const model = executor === "model" ? runModel(args, models!) : undefined;
  const ids = args.tasks.map((t, i) => t.id ?? `t${i + 1}`);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new UserError(`task id "${dup}" is used twice; give every task a unique id`);
  const known = new Set(ids);
  const tasks: Task[] = [];
  const inline: PreparedRun["inline"] = [];
  for (const [i, spec] of args.tasks.entries()) {
    const id = ids[i]!;
    const depends = [...new Set(spec.depends_on ?? [])];
    for (const d of depends) {
      if (d === id) throw new UserError(`task "${id}" depends on itself; remove it from depends_on`);
      if (!known.has(d)) throw new UserError(`task "${id}" depends on unknown task "${d}"; known ids: ${ids.join(", ")}`);
    }
    const refs = await taskInputs(id, spec.inputs ?? [], inputs, inline);
    tasks.push({
      id, type: spec.type, description: spec.description, priority: spec.priority ?? "normal", depends_on: depends, inputs: refs,
      ...(spec.focus ? { focus: spec.focus } : {}),
      ...(spec.complexity !== undefined ? { complexity: spec.complexity } : {}),
      ...(spec.analysis_type ? { analysis_type: spec.analysis_type } : {}),
      ...(spec.agent_id ? { agent_id: spec.agent_id } : {}),
    });
  }
  const dependencies = Object.fromEntries(tasks.map((t) => [t.id, t.depends_on]));
  const cycle = findCycle(dependencies);
  if (cycle) throw new UserError(`tasks depend on each other in a cycle: ${cycle.join(" -> ")}; break the cycle in depends_on`);
  const sync_points = resolveSyncPoints(args.sync_points, ids, dependencies);
  return {
    objective: args.objective, tasks, inline, sync_points, dependencies, executor,
    requested_mode: args.mode === "auto" ? null : args.mode,
    options: {
      approvals: [...new Set(args.approvals)],
      quality_threshold: args.quality_threshold,
      max_revisions: args.max_revisions,
      branch_timeout_seconds: args.branch_timeout_seconds,
      retry_attempts: DEFAULT_RETRY_ATTEMPTS,
      executor,
      elicit: args.elicit,
      ...(model ? { model: model.model, budget: model.budget } : {}),
    },
  };
}

/** A task's inputs as references; inline texts (checked against --max-input-bytes) are added to `inline`, paths checked. */
export async function taskInputs(id: string, given: readonly TaskInput[], inputs: InputAccess, inline: PreparedRun["inline"]): Promise<InputRef[]> {
  const refs: InputRef[] = [];
  for (const [idx, input] of given.entries()) {
    if ("text" in input) {
      const bytes = Buffer.byteLength(input.text);
      if (bytes > inputs.maxBytes) throw new UserError(`input "${input.name}" of task "${id}" has ${bytes} bytes, more than the limit of ${inputs.maxBytes} (--max-input-bytes)`);
      refs.push({ kind: "inline", index: idx, name: input.name, chars: input.text.length });
      inline.push({ task_id: id, idx, name: input.name, text: input.text });
    } else {
      const checked = await inputs.check(input.path);
      refs.push({ kind: "path", path: input.path, name: input.path.split(/[\\/]/).pop() ?? input.path, bytes: checked.bytes });
    }
  }
  return refs;
}

/** The run's model (allowed by the server) and its budget, capped by --max-run-tokens. Throws UserError. */
export function runModel(args: Pick<StartWorkflowArgs, "model" | "budget">, models: ModelPolicy): { model: string; budget: RunBudget } {
  const model = args.model ?? models.model;
  if (!models.allowed.includes(model)) {
    throw new UserError(`model "${model}" is not allowed on this server; allowed: ${models.allowed.join(", ")} (the operator lists them with --models)`);
  }
  const budget: RunBudget = {};
  const tokens = [args.budget?.max_tokens, models.maxRunTokens].filter((n): n is number => n !== undefined);
  if (tokens.length > 0) budget.max_tokens = Math.min(...tokens);
  if (args.budget?.max_cost_usd !== undefined) {
    if (!models.priced(model)) throw new UserError(`budget.max_cost_usd needs a price for ${model}; the operator gives prices with --model-prices FILE, or use budget.max_tokens`);
    budget.max_cost_usd = args.budget.max_cost_usd;
  }
  return { model, budget };
}

function resolveSyncPoints(given: Record<string, string[]> | undefined, ids: string[], deps: Record<string, string[]>): SyncPoint[] {
  if (!given || Object.keys(given).length === 0) return [{ name: "all", branch_ids: ids }];
  const pointOf = new Map<string, number>();
  const points = Object.entries(given).map(([name, members], index) => {
    if (/^\d+$/.test(name)) {
      throw new UserError(`sync point name "${name}" looks like an integer, and JSON objects put such keys first, so the order of the stages would be lost; use a name such as "stage${name}"`);
    }
    for (const id of new Set(members)) {
      if (!ids.includes(id)) throw new UserError(`sync point "${name}" names unknown task "${id}"; known ids: ${ids.join(", ")}`);
      if (pointOf.has(id)) throw new UserError(`task "${id}" is in two sync points; put every task in exactly one`);
      pointOf.set(id, index);
    }
    return { name, branch_ids: [...new Set(members)] };
  });
  const missing = ids.filter((id) => !pointOf.has(id));
  if (missing.length) throw new UserError(`tasks ${missing.join(", ")} are in no sync point; put every task in exactly one`);
  for (const [id, ds] of Object.entries(deps)) {
    for (const d of ds) {
      if (pointOf.get(d)! > pointOf.get(id)!) {
        throw new UserError(`task "${id}" depends on "${d}", which is in a later sync point; move "${d}" to the same or an earlier point`);
      }
    }
  }
  return points;
}

/** A dependency cycle as a path of ids, or null. */
export function findCycle(deps: Record<string, string[]>): string[] | null {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === "done") return null;
    if (state.get(id) === "visiting") return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, "visiting");
    stack.push(id);
    for (const d of deps[id] ?? []) {
      const found = visit(d);
      if (found) return found;
    }
    stack.pop();
    state.set(id, "done");
    return null;
  };
  for (const id of Object.keys(deps)) {
    const found = visit(id);
    if (found) return found;
  }
  return null;
}
