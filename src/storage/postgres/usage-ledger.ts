/**
 * The model-usage ledger on PostgreSQL (see ../usage-ledger.ts): a reservation locks the run's row, so the check
 * against the budget and the insert are one step for every process sharing the database.
 */
import { judge } from "../usage-ledger.js";
import type { Reservation, ReserveOutcome, UsageBill, UsageStorage, UsageTotals } from "../storage.js";
import type { PgDatabase } from "./pg-database.js";

export class PgUsageLedger implements UsageStorage {
  constructor(private readonly db: PgDatabase) {}

  async reserve(r: Reservation): Promise<ReserveOutcome> {
    if (r.max_tokens === undefined && r.max_cost_usd === undefined) {
      // No budget: nothing to check, so no lock; a key already reserved stays as it is.
      const inserted = await this.db.query(`INSERT INTO conductor_model_usage (run_id, call_key, model, state, reserved_tokens, reserved_cost_usd, created_at)
        VALUES ($1, $2, $3, 'reserved', $4, $5, $6) ON CONFLICT (run_id, call_key) DO NOTHING`, [r.run_id, r.call_key, r.model, r.tokens, r.cost_usd, Date.now()]);
      return { ok: true, existing: inserted.rowCount === 0 };
    }
    return this.db.transaction(async () => {
      await this.db.query("SELECT 1 FROM conductor_runs WHERE run_id = $1 FOR UPDATE", [r.run_id]);
      const [existing] = await this.db.rows("SELECT state FROM conductor_model_usage WHERE run_id = $1 AND call_key = $2", [r.run_id, r.call_key]);
      if (existing) return { ok: true, existing: true };
      const [spent] = await this.db.rows<{ tokens: number; cost: number }>(`SELECT
          COALESCE(SUM(CASE WHEN state = 'billed' THEN input_tokens + output_tokens ELSE reserved_tokens END), 0)::float8 AS tokens,
          COALESCE(SUM(CASE WHEN state = 'billed' THEN cost_usd ELSE reserved_cost_usd END), 0)::float8 AS cost
        FROM conductor_model_usage WHERE run_id = $1`, [r.run_id]);
      const outcome = judge(r, spent?.tokens ?? 0, spent?.cost ?? 0);
      if (outcome.ok) {
        await this.db.query(`INSERT INTO conductor_model_usage (run_id, call_key, model, state, reserved_tokens, reserved_cost_usd, created_at)
          VALUES ($1, $2, $3, 'reserved', $4, $5, $6)`, [r.run_id, r.call_key, r.model, r.tokens, r.cost_usd, Date.now()]);
      }
      return outcome;
    });
  }

  async bill(runId: string, callKey: string, bill: UsageBill): Promise<void> {
    await this.db.query(`UPDATE conductor_model_usage SET state = 'billed', input_tokens = $3, output_tokens = $4, cached_input_tokens = $5, cost_usd = $6
      WHERE run_id = $1 AND call_key = $2`, [runId, callKey, bill.input_tokens, bill.output_tokens, bill.cached_input_tokens, bill.cost_usd]);
  }

  async release(runId: string, callKey: string): Promise<void> {
    await this.db.query("DELETE FROM conductor_model_usage WHERE run_id = $1 AND call_key = $2 AND state = 'reserved'", [runId, callKey]);
  }

  async totals(runId: string): Promise<UsageTotals> {
    const [row] = await this.db.rows<UsageTotals>(`SELECT COUNT(*) FILTER (WHERE state = 'billed')::int AS model_calls,
        COALESCE(SUM(input_tokens), 0)::float8 AS input_tokens, COALESCE(SUM(output_tokens), 0)::float8 AS output_tokens,
        COALESCE(SUM(cached_input_tokens), 0)::float8 AS cached_input_tokens, COALESCE(SUM(cost_usd), 0)::float8 AS cost_usd,
        COALESCE(SUM(CASE WHEN state = 'reserved' THEN reserved_tokens ELSE 0 END), 0)::float8 AS reserved_tokens,
        COALESCE(SUM(CASE WHEN state = 'reserved' THEN reserved_cost_usd ELSE 0 END), 0)::float8 AS reserved_cost_usd
      FROM conductor_model_usage WHERE run_id = $1`, [runId]);
    return row!;
  }
}
