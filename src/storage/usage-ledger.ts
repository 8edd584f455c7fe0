/**
 * The model-usage ledger (SQLite; postgres/usage-ledger.ts is the same on PostgreSQL): one row per model call of a
 * run, keyed by a call key that is the same when a branch runs again after a crash. A call is first `reserved` at its
 * worst case (estimated input + its max_tokens), checked against the run's budget in the same transaction as every
 * other reservation of the run, so parallel branches never overspend; then `billed` with what the provider reported.
 * A reservation is idempotent by key, so a restart neither loses one nor counts it twice, and a reservation a crash
 * left behind keeps counting at its worst case (the provider may have billed that call).
 */
import type { Db } from "./database.js";
import type { Reservation, ReserveOutcome, UsageBill, UsageStorage, UsageTotals } from "./storage.js";

/** What a run has used: billed calls at their bills, open reservations at their worst case. */
const SPENT = `SELECT
    COALESCE(SUM(CASE WHEN state = 'billed' THEN input_tokens + output_tokens ELSE reserved_tokens END), 0) AS tokens,
    COALESCE(SUM(CASE WHEN state = 'billed' THEN cost_usd ELSE reserved_cost_usd END), 0) AS cost
  FROM conductor_model_usage WHERE run_id = ?`;

export class UsageLedger implements UsageStorage {
  private readonly stmts;
  private readonly reserveTx;

  constructor(db: Db) {
    this.stmts = {
      existing: db.prepare("SELECT state FROM conductor_model_usage WHERE run_id = ? AND call_key = ?"),
      spent: db.prepare(SPENT),
      insert: db.prepare(`INSERT INTO conductor_model_usage (run_id, call_key, model, state, reserved_tokens, reserved_cost_usd, created_at)
        VALUES (@run_id, @call_key, @model, 'reserved', @tokens, @cost_usd, @now)`),
      bill: db.prepare(`UPDATE conductor_model_usage SET state = 'billed', input_tokens = @input_tokens, output_tokens = @output_tokens,
        cached_input_tokens = @cached_input_tokens, cost_usd = @cost_usd WHERE run_id = @run_id AND call_key = @call_key`),
      release: db.prepare("DELETE FROM conductor_model_usage WHERE run_id = ? AND call_key = ? AND state = 'reserved'"),
      totals: db.prepare(`SELECT COUNT(*) FILTER (WHERE state = 'billed') AS model_calls,
        COALESCE(SUM(input_tokens), 0) AS input_tokens, COALESCE(SUM(output_tokens), 0) AS output_tokens,
        COALESCE(SUM(cached_input_tokens), 0) AS cached_input_tokens, COALESCE(SUM(cost_usd), 0) AS cost_usd,
        COALESCE(SUM(CASE WHEN state = 'reserved' THEN reserved_tokens ELSE 0 END), 0) AS reserved_tokens,
        COALESCE(SUM(CASE WHEN state = 'reserved' THEN reserved_cost_usd ELSE 0 END), 0) AS reserved_cost_usd
        FROM conductor_model_usage WHERE run_id = ?`),
    };
    this.reserveTx = db.transaction((r: Reservation): ReserveOutcome => {
      if (this.stmts.existing.get(r.run_id, r.call_key) !== undefined) return { ok: true, existing: true };
      const limited = r.max_tokens !== undefined || r.max_cost_usd !== undefined;
      const spent = limited ? (this.stmts.spent.get(r.run_id) as { tokens: number; cost: number }) : { tokens: 0, cost: 0 };
      const outcome = judge(r, spent.tokens, spent.cost);
      if (outcome.ok) this.stmts.insert.run({ ...r, now: Date.now() });
      return outcome;
    });
  }

  reserve(r: Reservation): ReserveOutcome {
    return this.reserveTx.immediate(r); // IMMEDIATE: another process's reservation waits for this one
  }

  bill(runId: string, callKey: string, bill: UsageBill): void {
    this.stmts.bill.run({ run_id: runId, call_key: callKey, ...bill });
  }

  release(runId: string, callKey: string): void {
    this.stmts.release.run(runId, callKey);
  }

  totals(runId: string): UsageTotals {
    return this.stmts.totals.get(runId) as UsageTotals;
  }
}

/** Whether a reservation fits what the run has spent (pure; shared with PostgreSQL). */
export function judge(r: Reservation, spentTokens: number, spentCost: number): ReserveOutcome {
  if (r.max_tokens !== undefined && spentTokens + r.tokens > r.max_tokens) return { ok: false, spent_tokens: spentTokens, spent_cost_usd: spentCost };
  if (r.max_cost_usd !== undefined && spentCost + r.cost_usd > r.max_cost_usd + 1e-12) return { ok: false, spent_tokens: spentTokens, spent_cost_usd: spentCost };
  return { ok: true, existing: false };
}
