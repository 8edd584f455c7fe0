/**
 * Run ownership between server processes sharing one database: a run is driven by the process holding its
 * lease. A lease is claimed with one conditional UPDATE (free, ours, expired, or held by a process of this
 * host that no longer exists), renewed by a heartbeat, and released when the run pauses or ends.
 */
import type { Db } from "./database.js";
import type { LeaseStorage } from "./storage.js";
import { isDeadLocalOwner, type LeaseOwner } from "./lease-owner.js";

export class RunLeases implements LeaseStorage {
  private readonly stmts;
  private readonly claimAll: { immediate(now: number): string[] };

  constructor(db: Db, readonly owner: LeaseOwner, readonly leaseMs: number) {
    this.stmts = {
      claim: db.prepare(`UPDATE conductor_runs SET owner = @owner, lease_expires_at = @expires
        WHERE run_id = @run_id AND (owner IS NULL OR owner = @owner OR lease_expires_at < @now OR owner = @dead)`),
      ownerOf: db.prepare("SELECT owner FROM conductor_runs WHERE run_id = ?"),
      renew: db.prepare("UPDATE conductor_runs SET lease_expires_at = ? WHERE owner = ? AND run_id = ?"),
      release: db.prepare("UPDATE conductor_runs SET owner = NULL, lease_expires_at = NULL WHERE run_id = ? AND owner = ?"),
      releaseAll: db.prepare("UPDATE conductor_runs SET owner = NULL, lease_expires_at = NULL WHERE owner = ?"),
      orphans: db.prepare(`SELECT run_id, owner, lease_expires_at FROM conductor_runs WHERE status = 'running'
        AND (owner IS NULL OR owner <> ?) ORDER BY created_at, run_id`),
    };
    // The read and the claims in one write transaction: a run that pauses (or ends) in another process between
    // them must not be claimed and run again (PostgreSQL's claimOrphans is one statement for the same reason).
    this.claimAll = db.transaction((now: number) =>
      (this.stmts.orphans.all(this.owner.id) as Array<{ run_id: string; owner: string | null; lease_expires_at: number | null }>)
        .filter((r) => r.owner === null || (r.lease_expires_at ?? 0) < now || isDeadLocalOwner(r.owner))
        .map((r) => r.run_id)
        .filter((id) => this.claim(id, now)));
  }

  /** Takes the run's lease if it is free, ours, expired or held by a dead local process. */
  claim(runId: string, now = Date.now()): boolean {
    const current = (this.stmts.ownerOf.get(runId) as { owner: string | null } | undefined)?.owner ?? null;
    const dead = current !== null && isDeadLocalOwner(current) ? current : null;
    return this.stmts.claim.run({ run_id: runId, owner: this.owner.id, expires: now + this.leaseMs, now, dead }).changes === 1;
  }

  renew(runIds: Iterable<string>, now = Date.now()): void {
    for (const id of runIds) this.stmts.renew.run(now + this.leaseMs, this.owner.id, id);
  }

  release(runId: string): void {
    this.stmts.release.run(runId, this.owner.id);
  }

  releaseAll(): void {
    this.stmts.releaseAll.run(this.owner.id);
  }

  /** Running runs nobody live drives (no owner, an expired lease, or a dead local owner; never our own), each
   *  claimed for this process with the same conditional update as `claim` (so two processes never both get one).
   *  Returns the ids claimed, oldest run first (ties by run_id). */
  claimOrphans(now = Date.now()): string[] {
    return this.claimAll.immediate(now);
  }
}
