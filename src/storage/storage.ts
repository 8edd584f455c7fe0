/**
 * The one storage interface the server works against, with two implementations: SQLite (the embedded default,
 * synchronous better-sqlite3 statements: its methods return plain values) and PostgreSQL (node-postgres: its
 * methods return promises). Callers always `await`, so either fits. Each table's store is one file per backend
 * (`*-store.ts` for SQLite, `postgres/*-store.ts` for PostgreSQL) and the same suites test both
 * (test/helpers/store-behaviour/). Every list has one order on both: equal times are broken by id, ascending in an
 * oldest-first list and descending in a newest-first one; ids compare bytewise (SQLite BINARY, PostgreSQL "C").
 */
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { AgentTemplate } from "../domain/agent-specification.js";
import type { AgentRecord } from "../domain/agent-record.js";
import type { BranchFindings } from "../domain/finding.js";
import type { LeaseOwner } from "./lease-owner.js";
import type { NewRun, RunRow, RunStatusName, RunSummary } from "../domain/run-record.js";
import type { Outcome, StoredDefinition } from "../domain/agent-record.js";
import type { NewTimelineEvent, TimelineEvent } from "../domain/timeline-event.js";

export type Awaitable<T> = T | Promise<T>;

export interface RunStorage {
  /** Inserts a run and its inline inputs atomically. False when the run id exists already. */
  create<Options>(run: NewRun<Options>): Awaitable<boolean>;
  get<Options, Result>(runId: string): Awaitable<RunRow<Options, Result> | undefined>;
  /** The principal's runs, newest first (ties by run_id, descending). */
  list(principal: string, limit?: number): Awaitable<RunSummary[]>;
  /** The principal's run ids starting with `prefix` (ASCII case-insensitive), newest first as `list` (for completion). */
  idsStartingWith(principal: string, prefix: string, limit?: number): Awaitable<string[]>;
  /** Who a run belongs to, or undefined for an unknown run. */
  principalOf(runId: string): Awaitable<string | undefined>;
  /** Finished runs (completed, failed, cancelled) last changed before `before` (ISO time), oldest first (ties by run_id). */
  finishedBefore(before: string, limit: number): Awaitable<string[]>;
  /** Every principal's runs of the status, oldest first (ties by run_id). */
  idsWithStatus(status: RunStatusName): Awaitable<string[]>;
  /** Which of `runIds` have the status, in one read (the lease heartbeat's check of the runs it drives); order unspecified. */
  amongWithStatus(runIds: readonly string[], status: RunStatusName): Awaitable<string[]>;
  inlineInput(runId: string, taskId: string, idx: number): Awaitable<{ name: string; text: string } | undefined>;
  /** Every inline input of the run, by task id (bytewise) then index (a fork copies them). */
  inlineInputs(runId: string): Awaitable<Array<{ task_id: string; idx: number; name: string; text: string }>>;
  update(runId: string, change: { status: RunStatusName; workflow_mode?: string | null; result?: unknown; error?: string | null }): Awaitable<void>;
}

export interface TimelineStorage {
  /** Appends the events that are new (by key), in order, atomically. Returns how many were new. */
  append(runId: string, events: NewTimelineEvent[]): Awaitable<number>;
  /** Events after `since` (exclusive), at most `limit`, optionally only those named `event`. O(limit). */
  page(runId: string, since: number, limit: number, event?: string): Awaitable<TimelineEvent[]>;
  /** The nodes the run has entered, each once, in the order first entered. */
  nodesEntered(runId: string): Awaitable<string[]>;
  total(runId: string, event?: string): Awaitable<number>;
}

/** Run ownership between processes: see run-leases.ts. */
export interface LeaseStorage {
  readonly owner: LeaseOwner;
  readonly leaseMs: number;
  /** Takes the run's lease if it is free, ours, expired or held by a dead local process. */
  claim(runId: string, now?: number): Awaitable<boolean>;
  renew(runIds: Iterable<string>, now?: number): Awaitable<void>;
  release(runId: string): Awaitable<void>;
  releaseAll(): Awaitable<void>;
  /** Running runs nobody live drives, claimed for this process atomically (never our own); oldest first (ties by run_id). */
  claimOrphans(now?: number): Awaitable<string[]>;
}

/** An agent to record: its record without what the store sets. */
export type NewAgent = Omit<AgentRecord, "status" | "created_at" | "last_used_at">;

export interface AgentStorage {
  /** Inserts agents whose ids are new and counts each creation on its template, atomically; returns the
   *  stored records, in order (an id recorded before, or earlier in the same call, keeps its first specification). */
  record(agents: NewAgent[]): Awaitable<AgentRecord[]>;
  get(agentId: string): Awaitable<AgentRecord | undefined>;
  /** Every active agent, or those of one principal, oldest first (ties by agent_id). */
  active(principal?: string): Awaitable<AgentRecord[]>;
  /** Marks all of a run's active agents retired, in one statement; returns their ids, oldest first (ties by agent_id). */
  retireRun(runId: string): Awaitable<string[]>;
  /** Marks an agent retired; false when it was not active. */
  retire(agentId: string): Awaitable<boolean>;
  touch(agentId: string): Awaitable<void>;
  /** Active standalone agents last used before `before`, least recently used first (ties by agent_id). */
  idleSince(before: Date): Awaitable<string[]>;
}

export interface TemplateStorage {
  /** Makes the built-in definitions present and current (a changed built-in keeps its statistics). */
  ensureBuiltins(definitions: readonly StoredDefinition[]): Awaitable<void>;
  /** The built-in templates, then the principal's own, each by agent_type. */
  all(principal: string): Awaitable<AgentTemplate[]>;
  /** A built-in or one of the principal's templates (the built-in, should both exist). */
  find(principal: string, agentType: string): Awaitable<{ version: number; builtin: boolean } | undefined>;
  /** Inserts a new template, or with `replace` a new version of an existing one. Returns its version. */
  save(principal: string, definition: StoredDefinition, replace: boolean): Awaitable<number>;
  /** Records an agent run once and adds it to its template's counters, atomically. Returns whether it was new. */
  recordOutcome(outcome: Outcome): Awaitable<boolean>;
  /** The principal's outcomes of the type, newest first (20 by default, at most HISTORY_KEPT). */
  history(principal: string, agentType: string, limit?: number): Awaitable<Array<Record<string, unknown>>>;
}

export interface BranchResultStorage {
  put(runId: string, branchId: string, attempt: number, found: BranchFindings): Awaitable<void>;
  /** The findings of one attempt; empty when it found nothing (or failed). */
  get(runId: string, branchId: string, attempt: number): Awaitable<BranchFindings>;
}

/** A model call's worst case, reserved against its run's budget before the call is made. */
export interface Reservation {
  run_id: string;
  /** The same for the same call when a branch runs again (run, branch, attempt, try). */
  call_key: string;
  model: string;
  tokens: number;
  cost_usd: number;
  /** The run's budget; undefined: no limit of that kind. */
  max_tokens?: number;
  max_cost_usd?: number;
}

export type ReserveOutcome = { ok: true; existing: boolean } | { ok: false; spent_tokens: number; spent_cost_usd: number };

export interface UsageBill {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_usd: number;
}

export interface UsageTotals extends UsageBill {
  model_calls: number;
  /** Tokens and dollars held by reservations not (yet) billed. */
  reserved_tokens: number;
  reserved_cost_usd: number;
}

/** The model-usage ledger: reservations against budgets, then bills (usage-ledger.ts). */
export interface UsageStorage {
  reserve(reservation: Reservation): Awaitable<ReserveOutcome>;
  bill(runId: string, callKey: string, bill: UsageBill): Awaitable<void>;
  /** Drops a reservation whose call was refused before it could be billed (an HTTP error status). */
  release(runId: string, callKey: string): Awaitable<void>;
  totals(runId: string): Awaitable<UsageTotals>;
}

export type DeleteOutcome = "deleted" | "unknown" | RunStatusName;

/** What happened to a run, as other processes on the same database hear of it. */
export interface RunChange {
  run_id: string;
  kind: "created" | "changed";
}

/**
 * Changes made by other processes sharing the database: LISTEN/NOTIFY on PostgreSQL; on SQLite, polling of the
 * runs `interest` names (those some client subscribed to) and of new runs.
 */
export interface ChangeFeed {
  /** Tells the other processes (on PostgreSQL; a no-op on SQLite, whose other processes poll). */
  publish(change: RunChange): Awaitable<void>;
  /** Starts delivering other processes' changes. */
  start(onChange: (change: RunChange) => void, interest: () => Iterable<string>): void;
  stop(): Promise<void>;
}

export interface Storage {
  readonly backend: "sqlite" | "postgres";
  runs: RunStorage;
  timeline: TimelineStorage;
  leases: LeaseStorage;
  agents: AgentStorage;
  templates: TemplateStorage;
  results: BranchResultStorage;
  usage: UsageStorage;
  /**
   * The graph's checkpoint saver, created on the first call (every call gets the same one). It is loaded with
   * LangGraph, which is not part of start-up: a server answers its first requests without it.
   */
  checkpointer(): Promise<BaseCheckpointSaver>;
  /**
   * Deletes finished runs and all of them (each run's row, inputs, timeline, branch results, usage ledger, its
   * agents, and every checkpoint with what they refer to), one transaction per run; what they freed is overwritten.
   * Keeps only each id and principal (conductor_deleted_runs). A run not finished is left as it is: its answer is
   * its status. Answers in the order given.
   */
  deleteRuns(runIds: readonly string[]): Awaitable<DeleteOutcome[]>;
  /**
   * Deletes the checkpoints of a finished run but its last one and those at which one of `keepWhenNext` (node names)
   * was about to run, with their pending writes and what only they refer to. Returns how many it deleted.
   */
  pruneCheckpoints(threadId: string, keepWhenNext?: readonly string[]): Awaitable<number>;
  changes: ChangeFeed;
  /** Whether the database answers (for health checks). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

/** A PostgreSQL connection string, as `--db` takes it. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}
