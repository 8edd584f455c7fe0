/**
 * What the run manager (run-manager.ts) is given by the composition root: the stores, the other processes' feed,
 * and the callbacks into the agents and the sessions; and what its callers pass: who starts a run, a fork request.
 */
import type { Logger } from "../log.js";
import type { HumanDecision } from "../orchestration/quality.js";
import type { Task } from "../domain/task.js";
import type { RunRow } from "../domain/run-record.js";
import type { NewTimelineEvent } from "../domain/timeline-event.js";
import type { ChangeFeed, DeleteOutcome, LeaseStorage, RunStorage, TimelineStorage, UsageStorage } from "../storage/storage.js";
import type { InputAccess } from "./input-access.js";
import type { ForkRequest, RunForksDeps } from "./run-forks.js";
import type { PendingInterrupt } from "./run-status.js";
import type { ModelPolicy, RequestLimits } from "./start-request.js";

export interface RunManagerDeps {
  runs: RunStorage;
  timeline: TimelineStorage;
  /** Tells other processes sharing the database what changed here. */
  changes: ChangeFeed;
  inputs: InputAccess;
  log: Logger;
  /** Checks a new run's tasks against the principal's agents (pinned agent ids); throws UserError. */
  checkTasks(tasks: Task[], principal: string): Promise<void>;
  /** Called once a run has ended (completed, failed or cancelled): releases its agents, prunes its checkpoints. */
  onRunEnded(runId: string): Promise<void>;
  /** Asks the run's user to decide a pause (MCP elicitation); null when the client cannot, or the user declined. */
  askUser?(run: RunRow, pause: PendingInterrupt): Promise<HumanDecision | null>;
  /** Which process drives which run. */
  leases: LeaseStorage;
  /** Runs executing at once; more queue. */
  maxConcurrentRuns: number;
  limits?: RequestLimits;
  /** The model-usage ledger (RunStatus.usage). */
  usage?: UsageStorage;
  /** The model executor's policy, where a model is configured. */
  models?: ModelPolicy;
  /** Deletes finished runs and all of them (Storage.deleteRuns). */
  deleteRuns(runIds: readonly string[]): Promise<DeleteOutcome[]> | DeleteOutcome[];
  /** --retain-days: finished runs older than this are deleted in the background. */
  retainDays?: number;
  /** Sees every timeline event as it is recorded (metrics). */
  observeEvents?(runId: string, events: readonly NewTimelineEvent[]): void;
  /** What forks need besides the above: the branch findings to copy, and the fork's agents. */
  results: RunForksDeps["results"];
  planAgents: RunForksDeps["planAgents"];
}

/** fork_run's request as the runs layer takes it. */
export interface ForkRunArgs extends ForkRequest {
  new_run_id?: string;
  elicit?: boolean;
}

/** Who starts a run: the principal it will belong to, and whether their client can sample (for executor auto). */
export interface RunOrigin {
  principal: string;
  clientSamples: boolean;
}

