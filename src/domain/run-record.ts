/** A run as it is stored: its status, options and result, one row per run. */
export const RUN_STATUSES = ["running", "interrupted", "completed", "failed", "cancelled"] as const;
export type RunStatusName = (typeof RUN_STATUSES)[number];
export const FINISHED_STATUSES: ReadonlySet<RunStatusName> = new Set(["completed", "failed", "cancelled"]);

export interface RunRow<Options = unknown, Result = unknown> {
  run_id: string;
  /** Who started the run; only they can see or steer it. */
  principal: string;
  status: RunStatusName;
  objective: string;
  options: Options;
  workflow_mode: string | null;
  executor: string;
  result: Result | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface RunSummary {
  run_id: string;
  status: RunStatusName;
  objective: string;
  created_at: string;
  updated_at: string;
}

export interface NewRun<Options> {
  run_id: string;
  principal: string;
  objective: string;
  options: Options;
  executor: string;
  inputs: Array<{ task_id: string; idx: number; name: string; text: string }>;
  /** The starting process's lease, taken with the insert (a running run without an owner is an orphan to others). */
  lease?: { owner: string; expires_at: number };
}
