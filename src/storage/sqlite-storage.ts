/**
 * The embedded default: everything in one SQLite file (database.ts), with LangGraph's SqliteSaver for the graph
 * state (checkpointer.ts) and synchronous prepared statements for the server's own tables.
 */
import { openDatabase } from "./database.js";
import { AgentStore } from "./agent-store.js";
import { BranchResultStore } from "./branch-result-store.js";
import { createCheckpointPruner } from "./checkpoint-pruner.js";
import { RunLeases } from "./run-leases.js";
import { type LeaseOwner } from "./lease-owner.js";
import { createRunDeleter } from "./run-deletion.js";
import { RunStore } from "./run-store.js";
import { SqlitePollingFeed } from "./sqlite-change-feed.js";
import type { Storage } from "./storage.js";
import { TemplateStore } from "./template-store.js";
import { TimelineStore } from "./timeline-store.js";
import { UsageLedger } from "./usage-ledger.js";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";

export function openSqliteStorage(file: string, options: { owner: LeaseOwner; leaseMs: number; env?: NodeJS.ProcessEnv; pollMs?: number }): Storage {
  const db = openDatabase(file);
  const runs = new RunStore(db);
  let saver: Promise<BaseCheckpointSaver> | undefined;
  return {
    backend: "sqlite",
    runs,
    timeline: new TimelineStore(db),
    leases: new RunLeases(db, options.owner, options.leaseMs),
    agents: new AgentStore(db),
    templates: new TemplateStore(db),
    results: new BranchResultStore(db),
    usage: new UsageLedger(db),
    // LangGraph's saver (and LangChain core under it) is loaded when the graph first needs it, not at start-up;
    // a load that failed is tried again on the next call.
    checkpointer: () => (saver ??= import("./checkpointer.js").then((m) => m.createCheckpointer(db, options.env), (error: unknown) => {
      saver = undefined;
      throw error;
    })),
    pruneCheckpoints: createCheckpointPruner(db),
    deleteRuns: createRunDeleter(db, (runId) => runs.forget(runId)),
    changes: new SqlitePollingFeed(db, options.pollMs),
    async healthy() {
      try {
        return db.prepare("SELECT 1 AS ok").get() !== undefined;
      } catch {
        return false;
      }
    },
    async close() {
      await this.changes.stop();
      db.close();
    },
  };
}
