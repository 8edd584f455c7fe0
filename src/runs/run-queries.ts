/**
 * The read side of runs: what the tools and resources read about a run (its status, timeline pages, whole
 * state, path through the graph) and the list of runs. Every read of one run checks first, like the run
 * manager, that the run is the caller's: another principal's run is the same UserError as an unknown one.
 */
import type { BranchPerformance, BranchResult } from "../domain/branch-result.js";
import type { ColumnStatistics, Finding } from "../domain/finding.js";
import type { RunRow, RunSummary } from "../domain/run-record.js";
import type { RunStatus } from "../domain/run-status.js";
import { TIMELINE_EVENTS, type TimelineEvent } from "../domain/timeline-event.js";
import { UserError } from "../errors.js";
import type { BranchResultStorage, RunStorage, TimelineStorage } from "../storage/storage.js";
import type { RunManager } from "./run-manager.js";
import { historyPage, type HistoryPage } from "./run-history.js";

export interface RunQueriesDeps {
  /** The run manager's reads: its principal check, the status it builds, the checkpointed state. */
  manager: Pick<RunManager, "requireRun" | "status" | "snapshot" | "history">;
  runs: Pick<RunStorage, "list" | "idsStartingWith" | "principalOf">;
  timeline: Pick<TimelineStorage, "page" | "total" | "nodesEntered">;
  results: Pick<BranchResultStorage, "get">;
  /** The compiled workflow graph (loaded on first use), drawn as Mermaid. */
  graph: () => Promise<{ getGraph(): { drawMermaid(): string } }>;
  /** The largest timeline page (--max-timeline-page). */
  maxTimelinePage: number;
}

/** The events of a timeline page when the request names no limit (or the largest page, if smaller). */
export const DEFAULT_TIMELINE_PAGE = 200;

/** A page of a timeline as get_timeline asks for it. */
export interface TimelineRequest {
  /** After this seq (exclusive); default 0. */
  since?: number;
  limit?: number;
  /** Only events with this name. */
  event?: string;
}

export interface TimelinePage {
  events: TimelineEvent[];
  /** Events in the run (named `event` when given). */
  total: number;
}

/** A settled branch attempt with what it found (findings best first); a type, so it is a plain record. */
export type BranchView = {
  branch_id: string;
  task_id: string;
  node: BranchResult["node"];
  status: BranchResult["status"];
  attempt: number;
  agent_id: string;
  findings: Finding[];
  performance: BranchPerformance;
  statistics?: ColumnStatistics[];
  error?: string;
};

/** A run's whole state: its RunStatus fields plus its objective, times, tasks and settled branches. */
export type RunState = RunStatus & {
  objective: string;
  created_at: string;
  updated_at: string;
  tasks: unknown[];
  completed_branches: Record<string, BranchView>;
};

/** The workflow graph as Mermaid, with the nodes a run has entered and the nodes it waits at. */
export interface RunPath {
  mermaid: string;
  passed: string[];
  waiting: string[];
}

export class RunQueries {
  constructor(private readonly deps: RunQueriesDeps) {}

  /** The principal's runs, newest first. */
  async list(principal: string): Promise<RunSummary[]> {
    return this.deps.runs.list(principal);
  }

  /** The principal's run ids that start with `prefix` (for completion). */
  async idsStartingWith(principal: string, prefix: string): Promise<string[]> {
    return this.deps.runs.idsStartingWith(principal, prefix);
  }

  /** The run's row; an unknown run, or another principal's, is the same UserError. */
  requireRun(runId: string, principal: string): Promise<RunRow> {
    return this.deps.manager.requireRun(runId, principal);
  }

  /** Whether the run is the principal's (false for an unknown run). */
  async isOwnedBy(runId: string, principal: string): Promise<boolean> {
    return (await this.deps.runs.principalOf(runId)) === principal;
  }

  async status(runId: string, principal: string): Promise<RunStatus> {
    await this.requireRun(runId, principal);
    return this.deps.manager.status(runId);
  }

  /**
   * A page of the run's timeline: the events after `since`, at most `limit`, only those named `event` when
   * given, with their total. The run is checked first, then the request (a UserError says what to change).
   */
  async timelinePage(runId: string, principal: string, request: TimelineRequest): Promise<TimelinePage> {
    await this.requireRun(runId, principal);
    const largest = this.deps.maxTimelinePage;
    if (request.limit !== undefined && request.limit > largest) {
      throw new UserError(`limit ${request.limit} is more than this server's largest page, ${largest} (--max-timeline-page); page with since and next_since`);
    }
    const { event } = request;
    if (event !== undefined && !(TIMELINE_EVENTS as readonly string[]).includes(event)) {
      throw new UserError(`unknown event "${event}"; use one of ${TIMELINE_EVENTS.join(", ")}`);
    }
    return this.events(runId, request.since ?? 0, request.limit ?? Math.min(DEFAULT_TIMELINE_PAGE, largest), event);
  }

  /** A page of the run's checkpoints, oldest first, after checkpoint `after` (run-history.ts). */
  async historyPage(runId: string, principal: string, request: { after?: string; limit?: number }): Promise<HistoryPage> {
    await this.requireRun(runId, principal);
    const page = historyPage(await this.deps.manager.history(runId), request.after, request.limit);
    if (!page) throw new UserError(`checkpoint "${request.after}" is not one of run "${runId}"'s; pass a next_after that get_run_history returned`);
    return page;
  }

  /** The run's first `count` events (whatever the largest page), with their total. */
  async firstEvents(runId: string, principal: string, count: number): Promise<TimelinePage> {
    await this.requireRun(runId, principal);
    return this.events(runId, 0, count);
  }

  private async events(runId: string, since: number, limit: number, event?: string): Promise<TimelinePage> {
    const { timeline } = this.deps;
    return { events: await timeline.page(runId, since, limit, event), total: await timeline.total(runId, event) };
  }

  /** How many branch attempts of the run have settled (completed or failed); it only grows. */
  async settledBranches(runId: string, principal: string): Promise<number> {
    await this.requireRun(runId, principal);
    const { timeline } = this.deps;
    return (await timeline.total(runId, "branch_completed")) + (await timeline.total(runId, "branch_failed"));
  }

  async state(runId: string, principal: string): Promise<RunState> {
    const row = await this.requireRun(runId, principal);
    const [status, snapshot] = await Promise.all([this.deps.manager.status(runId), this.deps.manager.snapshot(runId)]);
    const completed = Object.fromEntries(await Promise.all(Object.entries(snapshot.values.completed_branches ?? {}).map(async ([k, r]) => {
      const found = await this.deps.results.get(runId, r.branch_id, r.attempt);
      const view: BranchView = {
        branch_id: r.branch_id, task_id: r.task_id, node: r.node, status: r.status, attempt: r.attempt, agent_id: r.agent_id,
        findings: found.findings, performance: r.performance,
        ...(found.statistics ? { statistics: found.statistics } : {}), ...(r.error ? { error: r.error } : {}),
      };
      return [k, view] as const;
    })));
    const tasks = snapshot.values.task_queue ?? (row.options as { tasks?: unknown[] }).tasks ?? [];
    return { ...status, objective: row.objective, created_at: row.created_at, updated_at: row.updated_at, tasks, completed_branches: completed };
  }

  /** The graph with the nodes the run has entered, and those it waits at (a sync point or the quality gate). */
  async path(runId: string, principal: string): Promise<RunPath> {
    const status = await this.status(runId, principal);
    const waiting = status.pending_interrupts.map((i) => (i.point === "quality" ? "quality_validator" : "sync_point_manager"));
    return { mermaid: (await this.deps.graph()).getGraph().drawMermaid(), passed: await this.deps.timeline.nodesEntered(runId), waiting };
  }
}
