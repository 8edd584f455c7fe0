/**
 * Run ownership between server processes on PostgreSQL (see ../run-leases.ts): a lease is claimed with one
 * conditional UPDATE (free, ours, expired, or held by a process of this host that no longer exists), renewed by a
 * heartbeat, and released when the run pauses or ends. Orphans are claimed in one statement that locks the rows
 * it takes (FOR UPDATE SKIP LOCKED), so two processes looking at once never both get a run.
 */
import { isDeadLocalOwner, type LeaseOwner } from "../lease-owner.js";
import type { LeaseStorage } from "../storage.js";
import type { PgDatabase } from "./pg-database.js";

export class PgRunLeases implements LeaseStorage {
  constructor(private readonly db: PgDatabase, readonly owner: LeaseOwner, readonly leaseMs: number) {}

  /** Takes the run's lease if it is free, ours, expired or held by a dead local process. */
  async claim(runId: string, now = Date.now()): Promise<boolean> {
    const [row] = await this.db.rows<{ owner: string | null }>("SELECT owner FROM conductor_runs WHERE run_id = $1", [runId]);
    const current = row?.owner ?? null;
    const dead = current !== null && isDeadLocalOwner(current) ? current : null;
    const claimed = await this.db.query(`UPDATE conductor_runs SET owner = $2, lease_expires_at = $3
      WHERE run_id = $1 AND (owner IS NULL OR owner = $2 OR lease_expires_at < $4::float8 OR owner = $5)`,
      [runId, this.owner.id, this.expiry(now), now, dead]);
    return claimed.rowCount === 1;
  }

  async renew(runIds: Iterable<string>, now = Date.now()): Promise<void> {
    const ids = [...runIds];
    if (ids.length === 0) return;
    await this.db.query("UPDATE conductor_runs SET lease_expires_at = $1 WHERE owner = $2 AND run_id = ANY($3::text[])",
      [this.expiry(now), this.owner.id, ids]);
  }

  async release(runId: string): Promise<void> {
    await this.db.query("UPDATE conductor_runs SET owner = NULL, lease_expires_at = NULL WHERE run_id = $1 AND owner = $2", [runId, this.owner.id]);
  }

  async releaseAll(): Promise<void> {
    await this.db.query("UPDATE conductor_runs SET owner = NULL, lease_expires_at = NULL WHERE owner = $1", [this.owner.id]);
  }

  /**
   * Running runs nobody live drives (no owner, an expired lease, or a dead local owner; never our own), claimed
   * for this process atomically. Returns the ids claimed, oldest run first (ties by run_id).
   */
  async claimOrphans(now = Date.now()): Promise<string[]> {
    const owners = await this.db.rows<{ owner: string }>(`SELECT DISTINCT owner FROM conductor_runs
      WHERE status = 'running' AND owner IS NOT NULL AND owner <> $1`, [this.owner.id]);
    const dead = owners.map((r) => r.owner).filter((owner) => isDeadLocalOwner(owner));
    const rows = await this.db.rows<{ run_id: string }>(`WITH orphans AS (
        SELECT run_id, created_at FROM conductor_runs
        WHERE status = 'running' AND (owner IS NULL OR lease_expires_at < $3::float8 OR owner = ANY($4::text[]))
          AND (owner IS NULL OR owner <> $1)
        ORDER BY created_at, run_id FOR UPDATE SKIP LOCKED
      ), claimed AS (
        UPDATE conductor_runs r SET owner = $1, lease_expires_at = $2 FROM orphans o WHERE r.run_id = o.run_id
        RETURNING r.run_id, o.created_at
      )
      SELECT run_id FROM claimed ORDER BY created_at, run_id`, [this.owner.id, this.expiry(now), now, dead]);
    return rows.map((r) => r.run_id);
  }

  /** When a lease taken or renewed at `now` runs out, in whole milliseconds (the column is a BIGINT). */
  private expiry(now: number): number {
    return Math.round(now + this.leaseMs);
  }
}
