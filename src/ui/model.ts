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

  add(events: readonly TimelineEvent[]): void {
    for (const e of events) {
      if (e.seq <= this.lastSeq) continue;
      this.lastSeq = e.seq;
      const key = `${e.node ?? ""}|${e.branch_id ?? ""}`;
      const d = e.data ?? {};
      if (e.event === "node_started" && e.node) { this.passed.add(e.node); this.open.set(key, e.node); }
      if (e.event === "node_completed") this.open.delete(key);
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
