/**
 * What a branch found, on PostgreSQL (see ../branch-result-store.ts): findings, statistics and notes per run,
 * branch and attempt, kept out of the checkpoints. Writes are idempotent by key: a branch re-executed after a
 * crash overwrites its own row.
 */
import type { BranchFindings } from "../../domain/finding.js";
import type { BranchResultStorage } from "../storage.js";
import type { PgDatabase } from "./pg-database.js";

export class PgBranchResultStore implements BranchResultStorage {
  constructor(private readonly db: PgDatabase) {}

  async put(runId: string, branchId: string, attempt: number, found: BranchFindings): Promise<void> {
    await this.db.query(`INSERT INTO conductor_branch_results (run_id, branch_id, attempt, findings_json) VALUES ($1, $2, $3, $4)
      ON CONFLICT (run_id, branch_id, attempt) DO UPDATE SET findings_json = excluded.findings_json`,
      [runId, branchId, attempt, JSON.stringify(found)]);
  }

  /** The findings of one attempt; empty when it found nothing (or failed). */
  async get(runId: string, branchId: string, attempt: number): Promise<BranchFindings> {
    const [row] = await this.db.rows<{ findings_json: string }>(
      "SELECT findings_json FROM conductor_branch_results WHERE run_id = $1 AND branch_id = $2 AND attempt = $3", [runId, branchId, attempt]);
    return row ? (JSON.parse(row.findings_json) as BranchFindings) : { findings: [] };
  }
}
