/**
 * What the view knows about a run: the latest RunStatus (from a tool result or the run resource), the run
 * resource's tasks and completed branches, and what the timeline says (nodes passed, agents, branch
 * outcomes, the latest events). Pure bookkeeping, no DOM.
 */
export type RunState = "running" | "interrupted" | "completed" | "failed" | "cancelled";

export interface PendingInterrupt {
  interrupt_id: string;
  point: "sync_point" | "quality" | "branch_work";
  summary: string;
  options: string[];
  payload: Record<string, unknown>;
}

export interface RunStatus {
  run_id: string;
  status: RunState;
  workflow_mode: string | null;
  executor: string;
  pending_interrupts: PendingInterrupt[];
  progress: { branches_total: number; branches_completed: number; branches_failed: number };
  result?: { report: string; quality_score: number; source_attribution: Record<string, number>; partial?: boolean; revisions?: number };
  error?: string;
  timeline_length: number;
  /** Set on a fork (fork_run): the run and checkpoint it started from. */
  forked_from?: { run_id: string; checkpoint_id: string };
}

export interface BranchResult {
  branch_id: string;
  task_id: string;
  node: string;
  status: string;
  attempt: number;
  agent_id: string;
  performance?: { execution_time?: number; data_quality_score?: number };
  error?: string;
}

export interface RunResource extends RunStatus {
  objective?: string;
  tasks?: Array<{ id: string; type?: string; description?: string; focus?: string }>;
  completed_branches?: Record<string, BranchResult>;
}

export interface TimelineEvent {
  seq: number;
  timestamp: string;
  event: string;
  node?: string;
  branch_id?: string;
  data?: Record<string, unknown>;
}

export interface BranchView {
  branch_id: string;
  description: string;
  node: string;
  agent: string;
  status: string;
  quality?: number;
  seconds?: number;
  attempt?: number;
}

export const TERMINAL: readonly RunState[] = ["completed", "failed", "cancelled"];
const RECENT = 12;

/** Accumulates timeline events page by page. */
export class TimelineTracker {
  readonly passed = new Set<string>();
  readonly open = new Map<string, string>();
  readonly agents = new Map<string, string>();
  readonly branches = new Map<string, { node?: string; status: string; quality?: number; seconds?: number; attempt?: number }>();
  recent: TimelineEvent[] = [];
  lastSeq = 0;
  /** On a fork: the branches it kept from the original (its run_forked event). */
  kept: string[] = [];

  add(events: readonly TimelineEvent[]): void {
    for (const e of events) {
      if (e.seq <= this.lastSeq) continue;
      this.lastSeq = e.seq;
      const key = `${e.node ?? ""}|${e.branch_id ?? ""}`;
      const d = e.data ?? {};
      if (e.event === "node_started" && e.node) { this.passed.add(e.node); this.open.set(key, e.node); }
      if (e.event === "node_completed") this.open.delete(key);
      if (e.event === "run_forked" && Array.isArray(d.kept)) this.kept = d.kept.filter((x): x is string => typeof x === "string");
      if (e.event === "agent_generated" && e.branch_id && typeof d.agent_type === "string") this.agents.set(e.branch_id, d.agent_type);
      if (e.branch_id && ["branch_dispatched", "branch_completed", "branch_failed", "branch_retried"].includes(e.event)) {
        const prev = this.branches.get(e.branch_id);
        const status = e.event === "branch_dispatched" ? "running" : e.event === "branch_completed" ? "success" : e.event === "branch_failed" ? String(d.status ?? "failed") : "retrying";
        this.branches.set(e.branch_id, {
          node: e.node ?? prev?.node, status,
          quality: num(d.quality) ?? (e.event === "branch_dispatched" ? undefined : prev?.quality),
          seconds: num(d.seconds) ?? (e.event === "branch_dispatched" ? undefined : prev?.seconds),
          attempt: num(d.attempt) ?? prev?.attempt,
        });
      }
      if (["run_completed", "run_failed", "run_cancelled", "interrupted"].includes(e.event)) this.open.clear();
    }
    this.recent = [...this.recent, ...events.filter((e) => e.seq > (this.recent.at(-1)?.seq ?? 0))].slice(-RECENT);
  }

  /** Nodes running now (started, not completed). */
  activeNodes(): Set<string> {
    return new Set(this.open.values());
  }
}

function num(x: unknown): number | undefined {
  return typeof x === "number" && Number.isFinite(x) ? x : undefined;
}

/** One row per branch: the run resource's result where there is one, else what the timeline says. */
export function branchViews(run: RunResource | undefined, tl: TimelineTracker): BranchView[] {
  const tasks = run?.tasks ?? [];
  const ids = new Set<string>([...tasks.map((t) => t.id), ...tl.branches.keys(), ...Object.keys(run?.completed_branches ?? {})]);
  return [...ids].map((id) => {
    const task = tasks.find((t) => t.id === id);
    const result = run?.completed_branches?.[id];
    const seen = tl.branches.get(id);
    const fromTimeline = seen && (!result || (seen.attempt ?? 0) > result.attempt || seen.status === "running");
    return {
      branch_id: id,
      description: task?.description ?? "",
      node: result?.node ?? seen?.node ?? "",
      agent: tl.agents.get(id) ?? result?.agent_id ?? "",
      status: fromTimeline ? seen.status : result?.status ?? seen?.status ?? "pending",
      quality: fromTimeline ? seen.quality : result?.performance?.data_quality_score ?? seen?.quality,
      seconds: fromTimeline ? seen.seconds : result?.performance?.execution_time ?? seen?.seconds,
      attempt: fromTimeline ? seen.attempt : result?.attempt ?? seen?.attempt,
    };
  });
}

/** Where the run waits, as a graph node. */
export function waitingNodes(status: RunStatus | undefined, tl: TimelineTracker): Set<string> {
  const out = new Set<string>();
  for (const i of status?.status === "interrupted" ? status.pending_interrupts : []) {
    if (i.point === "quality") out.add("quality_validator");
    else if (i.point === "sync_point") out.add("sync_point_manager");
    else {
      const node = tl.branches.get(String(i.payload.branch_id ?? ""))?.node;
      if (node) out.add(node);
    }
  }
  return out;
}

/** Takes a newer status only: a slow poll must not undo what a decision's answer already showed. */
export function newer(current: RunStatus | undefined, next: RunStatus): boolean {
  return !current || current.run_id !== next.run_id || next.timeline_length >= current.timeline_length;
}

export function isRunStatus(x: unknown): x is RunStatus {
  const o = x as Partial<RunStatus> | null;
  return !!o && typeof o.run_id === "string" && typeof o.status === "string" && Array.isArray(o.pending_interrupts);
}

/** One checkpoint of get_run_history. */
export interface Checkpoint {
  checkpoint_id: string;
  step: number;
  created_at: string;
  next: string[];
  point: PendingInterrupt["point"] | null;
  /** How many branches had settled there (a count; a list of branch ids is counted too). */
  branches_settled: number | string[];
}

/** A page of get_run_history. */
export interface HistoryPage {
  run_id: string;
  checkpoints: Checkpoint[];
  total: number;
  next_after: string | null;
}

/** The history the view shows: the first pages of a run's checkpoints, oldest first. */
export interface HistoryState extends HistoryPage {
  error?: string;
}

/** Where "Try again from here" is offered: the sync points and the quality gate. */
export function canForkFrom(cp: Checkpoint): boolean {
  return cp.point === "sync_point" || cp.point === "quality" || cp.next.includes("sync_point_manager") || cp.next.includes("quality_validator");
}

export function settledCount(x: Checkpoint["branches_settled"]): number {
  return Array.isArray(x) ? x.length : typeof x === "number" ? x : 0;
}

/** Appends a later page, dropping checkpoints already shown. */
export function appendPage(history: HistoryState, page: HistoryPage): HistoryState {
  const seen = new Set(history.checkpoints.map((c) => c.checkpoint_id));
  return { ...history, checkpoints: [...history.checkpoints, ...page.checkpoints.filter((c) => !seen.has(c.checkpoint_id))],
    total: page.total, next_after: page.next_after, error: undefined };
}

export interface ForkForm {
  /** The new quality threshold as typed; blank keeps the run's. */
  threshold: string;
  approvals: "keep" | "on" | "off";
  /** The task to change; blank changes none. */
  taskId: string;
  description: string;
}

export interface ForkChanges {
  quality_threshold?: number;
  approvals?: string[];
  tasks?: Array<{ id: string; description: string }>;
}

/** fork_run's `changes` from the form, or what to fix (and in which field). */
export function forkChanges(form: ForkForm, taskIds: readonly string[]): { changes: ForkChanges } | { error: string; field: keyof ForkForm } {
  const changes: ForkChanges = {};
  const typed = form.threshold.trim();
  if (typed) {
    const t = Number(typed);
    if (!Number.isFinite(t) || t < 0 || t > 1) return { error: "The quality threshold is a number from 0 to 1, such as 0.6.", field: "threshold" };
    changes.quality_threshold = t;
  }
  if (form.approvals === "on") changes.approvals = ["sync_point", "quality"];
  if (form.approvals === "off") changes.approvals = [];
  if (form.taskId) {
    if (!taskIds.includes(form.taskId)) return { error: `The run has no task ${form.taskId}.`, field: "taskId" };
    const description = form.description.trim();
    if (!description) return { error: "Write the task's new description, or choose no task.", field: "description" };
    changes.tasks = [{ id: form.taskId, description }];
  }
  return { changes };
}

/** The main line of the graph, in order; the branch nodes share one rank, between the coordinator and the sync point. */
const MAIN_LINE = ["task_analyzer", "parallel_coordinator", "branch", "sync_point_manager", "branch_merger", "quality_validator", "final_integrator"];
const rank = (node: string) => MAIN_LINE.indexOf(MAIN_LINE.includes(node) ? node : "branch");

/**
 * The nodes a fork passed in its original before the checkpoint it started from (whose `next` is given): the
 * main line before the earliest node next there, and the nodes of the branches it kept.
 */
export function inheritedNodes(next: readonly string[], keptNodes: Iterable<string>): Set<string> {
  const from = Math.min(...next.filter((n) => n !== "load_balancer").map(rank), MAIN_LINE.length);
  return new Set([...MAIN_LINE.slice(0, from).filter((n) => n !== "branch"), ...keptNodes]);
}
