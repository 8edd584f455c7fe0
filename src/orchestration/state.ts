/**
 * The workflow state: one LangGraph annotation, checkpointed after every superstep. Everything is JSON.
 * Reducers sit next to the fields where branches write in parallel. The state is kept lean: input texts
 * and the timeline live in their own tables (see storage/), so a checkpoint grows with branch results only.
 */
import { Annotation } from "@langchain/langgraph";
import type { AgentRef, RunExecutor } from "../agents/executors/types.js";
import type { RunBudget } from "../agents/models/budget.js";
import type { Task } from "../domain/task.js";
import type { MergeResult } from "../domain/merge-result.js";
import type { BranchNodeName, BranchResult } from "../domain/branch-result.js";


/** A branch as the coordinator schedules it (one per task). */
export interface Branch {
  branch_id: string;
  task_id: string;
  type: Task["type"];
  focus?: Task["focus"];
  priority: Task["priority"];
  node: BranchNodeName;
  /** Who works on it; the agent's parameters and instructions stay in the agent store. */
  agent: Pick<AgentRef, "agent_id" | "agent_type">;
  resources: { cpu: number; memory_mb: number };
  /** Index into `sync_points`. */
  sync_index: number;
  /** `pending` waits for dispatch; `dispatched` has been sent `attempts` times. */
  status: "pending" | "dispatched";
  attempts: number;
  /** Re-dispatches after a failure (timeout recovery), bounded by `options.retry_attempts` and the agent's template. */
  retries: number;
  /** The agent's template limits: its timeout and retry count bound the branch below the run's (absent in checkpoints from before). */
  timeout_seconds?: number;
  retry_attempts?: number;
  /** The round (0 = first pass, +1 per recovery or revision) in which it was last dispatched. */
  last_round: number;
}



export interface SyncPoint {
  name: string;
  branch_ids: string[];
}

export interface RunOptions {
  approvals: Array<"sync_point" | "quality">;
  quality_threshold: number;
  max_revisions: number;
  branch_timeout_seconds: number;
  /** Dispatches of one branch beyond its first, in timeout recovery. */
  retry_attempts: number;
  /** Who does the branch work (resolved from `auto` when the run starts). */
  executor: RunExecutor;
  /** Ask the user through MCP elicitation when the run pauses. */
  elicit?: boolean;
  /** The model executor's model (`PROVIDER:MODEL`) and the run's budget (tokens capped by --max-run-tokens). */
  model?: string;
  budget?: RunBudget;
}

export interface Outcome {
  status: "completed" | "failed" | "cancelled";
  reason?: string;
}

export type SyncRoute =
  | "proceed_to_merge" | "conditional_proceed" | "continue_waiting" | "timeout_recovery"
  | "revision_requested" | "rejected";
export type QualityRoute = "quality_approved" | "needs_revision" | "critical_failure" | "rejected";

const last = <T>(fallback: () => T) => Annotation<T>({ reducer: (_old, next) => next, default: fallback });
const mergeById = <T>() =>
  Annotation<Record<string, T>>({ reducer: (old, next) => ({ ...old, ...next }), default: () => ({}) });

export const WorkflowState = Annotation.Root({
  /** Run id; also the LangGraph thread id. */
  workflow_id: last<string>(() => ""),
  objective: last<string>(() => ""),
  options: last<RunOptions>(() => ({
    approvals: ["sync_point", "quality"], quality_threshold: 0.7, max_revisions: 2,
    branch_timeout_seconds: 300, retry_attempts: 2, executor: "builtin",
  })),
  /** Mode asked for by the caller, or null to let the task analyzer decide. */
  requested_mode: last<"parallel" | "sequential" | "adaptive" | null>(() => null),
  /** The tasks (input texts by reference); the load balancer attaches reviewer feedback to them. */
  task_queue: last<Task[]>(() => []),
  /** Branch schedule, by branch id. */
  active_branches: mergeById<Branch>(),
  /** Latest settled attempt of every branch, by branch id (a later attempt replaces the earlier one). */
  completed_branches: mergeById<BranchResult>(),
  /** Ordered stages; the branches of a point settle before the next point's start. */
  sync_points: last<SyncPoint[]>(() => []),
  current_sync_index: last<number>(() => 0),
  branch_dependencies: last<Record<string, string[]>>(() => ({})),
  workflow_mode: last<"parallel" | "sequential" | "adaptive" | null>(() => null),
  /** Branches dispatched at most per wave. */
  wave_size: last<number>(() => 1),
  /** Recovery or revision rounds so far (0 = first pass). */
  round: last<number>(() => 0),
  revision_count: last<number>(() => 0),
  /** Set when a sync point proceeded with less than every branch. */
  partial: last<boolean>(() => false),
  /** The sync point manager's last decision and why. */
  sync_status: last<{ route: SyncRoute; sync_point: string; progress: number; reason: string } | null>(() => null),
  /** Why the load balancer runs next: failed branches to retry, or a revision with feedback. */
  rebalance: last<{ reason: "timeout_recovery" | "revision"; feedback?: string } | null>(() => null),
  integration_result: last<MergeResult | null>(() => null),
  quality_route: last<QualityRoute | null>(() => null),
  final_result: last<FinalResult | null>(() => null),
  outcome: last<Outcome | null>(() => null),
});

export type State = typeof WorkflowState.State;
export type StateUpdate = typeof WorkflowState.Update;

export interface FinalResult {
  report: string;
  quality_score: number;
  source_attribution: Record<string, number>;
  integration_confidence: number;
  success_rate: number;
  partial: boolean;
  failed_branches: Array<{ branch_id: string; error: string }>;
  revisions: number;
}

/** Payload of a branch task sent by the coordinator (`Send`): all a branch node needs, nothing more. */
export interface BranchAssignment {
  run_id: string;
  objective: string;
  branch: Branch;
  task: Task;
  timeout_seconds: number;
  executor: RunExecutor;
  /** How many of the run's branches may work at once (its wave size), and this one's place in the dispatch order. */
  window: number;
  position: number;
  model?: string;
  budget?: RunBudget;
}
