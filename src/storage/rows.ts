/**
 * Rows as both backends read them, and the records the server works with: one conversion per table, so SQLite
 * (integers for booleans) and PostgreSQL (booleans) give the same records.
 */
import type { AgentSpecification, AgentTemplate } from "../domain/agent-specification.js";
import type { AgentRecord } from "../domain/agent-record.js";
import type { RunRow, RunStatusName } from "../domain/run-record.js";
import type { StoredDefinition } from "../domain/agent-record.js";
import type { TimelineEvent, TimelineEventName } from "../domain/timeline-event.js";

/** A boolean column: SQLite stores 0/1, PostgreSQL a boolean. */
type Flag = number | boolean;

export interface RawRunRow {
  run_id: string;
  principal: string;
  status: RunStatusName;
  objective: string;
  options_json: string;
  workflow_mode: string | null;
  executor: string;
  result_json: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export function toRunRow<Options, Result>(raw: RawRunRow): RunRow<Options, Result> {
  return {
    run_id: raw.run_id,
    principal: raw.principal,
    status: raw.status,
    objective: raw.objective,
    options: JSON.parse(raw.options_json) as Options,
    workflow_mode: raw.workflow_mode,
    executor: raw.executor,
    result: raw.result_json ? (JSON.parse(raw.result_json) as Result) : null,
    error: raw.error,
    created_at: raw.created_at,
    updated_at: raw.updated_at,
  };
}

export interface RawEvent {
  seq: number;
  timestamp: string;
  event: TimelineEventName;
  node: string | null;
  branch_id: string | null;
  data: string | null;
}

export function toEvent(raw: RawEvent): TimelineEvent {
  const e: TimelineEvent = { seq: raw.seq, timestamp: raw.timestamp, event: raw.event };
  if (raw.node !== null) e.node = raw.node;
  if (raw.branch_id !== null) e.branch_id = raw.branch_id;
  if (raw.data !== null) e.data = JSON.parse(raw.data) as Record<string, unknown>;
  return e;
}

export interface RawAgent extends Omit<AgentRecord, "specification" | "standalone"> {
  specification_json: string;
  standalone: Flag;
}

export function toAgentRecord(raw: RawAgent): AgentRecord {
  return {
    agent_id: raw.agent_id, principal: raw.principal, agent_type: raw.agent_type, run_id: raw.run_id, task_id: raw.task_id, standalone: Boolean(raw.standalone),
    specification: JSON.parse(raw.specification_json) as AgentSpecification,
    status: raw.status, created_at: raw.created_at, last_used_at: raw.last_used_at,
  };
}

export interface RawTemplate {
  version: number;
  definition_json: string;
  builtin: Flag;
  creation_count: number;
  runs: number;
  successes: number;
  mean_quality: number | null;
  mean_seconds: number | null;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

export function toTemplate(r: RawTemplate): AgentTemplate {
  return {
    ...(JSON.parse(r.definition_json) as StoredDefinition),
    version: r.version,
    builtin: Boolean(r.builtin),
    creation_count: r.creation_count,
    runs: r.runs,
    successes: r.successes,
    success_rate: r.runs === 0 ? 1 : round4(r.successes / r.runs),
    mean_quality: r.mean_quality === null ? null : round4(r.mean_quality),
    mean_seconds: r.mean_seconds === null ? null : round4(r.mean_seconds),
  };
}

/** A performance-history row with its success flag as a boolean. */
export function toHistoryEntry(r: Record<string, unknown>): Record<string, unknown> {
  return { ...r, success: Boolean(r.success) };
}
