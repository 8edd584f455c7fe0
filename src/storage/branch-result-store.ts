/**
 * What a branch found, kept out of the checkpoints: findings, statistics and notes per run, branch and
 * attempt. The state holds a lean summary of each branch (status, attempt, performance), so a checkpoint
 * grows by a few hundred bytes per branch rather than by its findings. Writes are idempotent by key, so a
 * branch re-executed after a crash overwrites its own row.
 */
import type { Db } from "./database.js";
import type { BranchResultStorage } from "./storage.js";
import type { BranchFindings } from "../domain/finding.js";


export class BranchResultStore implements BranchResultStorage {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      put: db.prepare(`INSERT OR REPLACE INTO conductor_branch_results (run_id, branch_id, attempt, findings_json)
        VALUES (?, ?, ?, ?)`),
      get: db.prepare("SELECT findings_json FROM conductor_branch_results WHERE run_id = ? AND branch_id = ? AND attempt = ?"),
    };
  }

  put(runId: string, branchId: string, attempt: number, found: BranchFindings): void {
    this.stmts.put.run(runId, branchId, attempt, JSON.stringify(found));
  }

  /** The findings of one attempt; empty when it found nothing (or failed). */
  get(runId: string, branchId: string, attempt: number): BranchFindings {
    const row = this.stmts.get.get(runId, branchId, attempt) as { findings_json: string } | undefined;
    return row ? (JSON.parse(row.findings_json) as BranchFindings) : { findings: [] };
  }
}
