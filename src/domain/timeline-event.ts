/** A run's timeline event: what happened, where and when (seq is dense per run). */
export const TIMELINE_EVENTS = [
  "run_started", "mode_selected", "agent_generated", "node_started", "node_completed",
  "branch_dispatched", "branch_completed", "branch_failed", "branch_retried", "interrupted", "resumed",
  "revision_requested", "run_completed", "run_failed", "run_cancelled", "run_recovered",
  "run_queued", "run_interrupted", "run_forked",
] as const;
export type TimelineEventName = (typeof TIMELINE_EVENTS)[number];

export interface TimelineEvent {
  seq: number;
  timestamp: string;
  event: TimelineEventName;
  node?: string;
  branch_id?: string;
  data?: Record<string, unknown>;
}

export interface NewTimelineEvent {
  /** Idempotency key, unique per run. */
  key: string;
  event: TimelineEventName;
  node?: string;
  branch_id?: string;
  data?: Record<string, unknown>;
}
