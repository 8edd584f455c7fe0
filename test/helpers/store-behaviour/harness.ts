/**
 * What the shared store behaviours (the other files of this directory) run against: two storages on one fresh,
 * empty database, standing for two server processes, and the few writes the storage interface has no method
 * for (a run's creation time, an agent's times, a lease), which the tests use to make times tie or leases expire.
 * test/unit/store-behaviour.test.ts opens these on SQLite, test/unit/postgres-store-behaviour.test.ts on PostgreSQL.
 */
import type { AgentSpecification } from "../../../src/domain/agent-specification.js";
import type { Outcome, StoredDefinition } from "../../../src/domain/agent-record.js";
import type { NewRun } from "../../../src/domain/run-record.js";
import type { NewTimelineEvent } from "../../../src/domain/timeline-event.js";
import type { NewAgent, Storage } from "../../../src/storage/storage.js";

export interface Lease {
  owner: string | null;
  lease_expires_at: number | null;
}

/** Direct writes to the database, for what the interface cannot set. */
export interface Backdoor {
  /** Sets a run's created_at (an ISO timestamp, as the stores write them). */
  setRunCreatedAt(runId: string, iso: string): Promise<void>;
  /** Sets a run's updated_at (an ISO timestamp): when it last changed, what retention goes by. */
  setRunUpdatedAt(runId: string, iso: string): Promise<void>;
  /** How many rows of the run (or its thread) each of the run's tables holds, by table name. */
  rowsOf(runId: string): Promise<Record<string, number>>;
  /** Sets an agent's created_at and/or last_used_at. */
  setAgentTimes(agentId: string, times: { created_at?: string; last_used_at?: string }): Promise<void>;
  setLease(runId: string, lease: Lease): Promise<void>;
  leaseOf(runId: string): Promise<Lease | undefined>;
}

export interface StoreHarness {
  readonly backend: Storage["backend"];
  /** Two storages on the same empty database, as two processes (each with its own lease owner). */
  a: Storage;
  b: Storage;
  /** Another process on the same database (a third lease owner), opened on demand and closed with the harness. */
  another(): Promise<Storage>;
  backdoor: Backdoor;
  close(): Promise<void>;
}

/** Opens a harness on a fresh, empty database. */
export type OpenStores = () => Promise<StoreHarness>;

/** Runs `fn` on a freshly opened harness and closes it afterwards, whatever happens. */
export async function withStores(open: OpenStores, fn: (h: StoreHarness) => Promise<void>): Promise<void> {
  const h = await open();
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

/** The lease length both backends' harnesses open their storages with. */
export const LEASE_MS = 30_000;

/** `n` seconds after 2025-01-01T00:00:00Z, as an ISO timestamp. */
export const at = (n: number): string => new Date(Date.parse("2025-01-01T00:00:00.000Z") + n * 1000).toISOString();

export const newRun = (run_id: string, principal = "p", overrides: Partial<NewRun<unknown>> = {}): NewRun<unknown> => ({
  run_id, principal, objective: `objective of ${run_id}`, options: { approvals: [] }, executor: "builtin", inputs: [], ...overrides,
});

/** Creates runs (of `principal`) whose created_at are `at(times[i])`, in the order given. */
export async function createRuns(h: StoreHarness, runs: ReadonlyArray<readonly [id: string, time: number, principal?: string]>): Promise<void> {
  for (const [id, time, principal] of runs) {
    if (!(await h.a.runs.create(newRun(id, principal)))) throw new Error(`run ${id} exists already`);
    await h.backdoor.setRunCreatedAt(id, at(time));
  }
}

export const spec = (agent_type: string, note = ""): AgentSpecification => ({ agent_type, instructions: note } as unknown as AgentSpecification);

export const agent = (agent_id: string, agent_type: string, overrides: Partial<NewAgent> = {}): NewAgent => ({
  agent_id, principal: "p", agent_type, run_id: "run-1", task_id: "t1", standalone: false, specification: spec(agent_type, "first"), ...overrides,
});

export const standalone = (agent_id: string, principal = "p", agent_type = "research_specialist"): NewAgent =>
  agent(agent_id, agent_type, { principal, standalone: true, run_id: null, task_id: null });

export const definition = (agent_type: string, overrides: Partial<StoredDefinition> = {}): StoredDefinition => ({
  agent_type, description: "Finds market facts", capabilities: ["research"], instructions: "Read the sources.", executor: "builtin",
  resource_requirements: { cpu: 0.25, memory_mb: 128 }, default_parameters: {}, max_concurrent_tasks: 3, timeout_seconds: 300, retry_attempts: 2, ...overrides,
});

export const outcome = (overrides: Partial<Outcome> = {}): Outcome => ({
  agent_type: "market_researcher", principal: "p", agent_id: "agent-1", run_id: "run-1", branch_id: "b1", attempt: 1, success: true, quality: 0.8, seconds: 10,
  ...overrides,
});

export const ev = (key: string, extra: Partial<NewTimelineEvent> = {}): NewTimelineEvent => ({ key, event: "node_started", node: key, ...extra });
