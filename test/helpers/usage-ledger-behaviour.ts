/**
 * What every backend's usage ledger must do (run against SQLite in test/unit/usage-ledger.test.ts and against
 * PostgreSQL, from two storages as two processes would, in test/unit/postgres-storage.test.ts).
 */
import assert from "node:assert/strict";
import type { Storage } from "../../src/storage/storage.js";

export async function checkUsageLedger(a: Storage, b: Storage, runId: string): Promise<void> {
  const reserve = (s: Storage, key: string, tokens = 1000) => s.usage.reserve({ run_id: runId, call_key: key, model: "openai:m", tokens, cost_usd: 0.001, max_tokens: 5000 });
  // Twenty reservations of 1,000 at once against a budget of 5,000, from both storages: exactly five fit.
  const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => reserve(i % 2 ? a : b, `c${i}`)));
  assert.equal(outcomes.filter((o) => o.ok).length, 5, "never more than the budget reserved");
  const kept = Array.from({ length: 20 }, (_, i) => `c${i}`).filter((_, i) => outcomes[i]!.ok);
  // The same key again (a branch re-run after a crash) is the same reservation, not a second one.
  assert.deepEqual(await reserve(a, kept[0]!), { ok: true, existing: true });
  let totals = await b.usage.totals(runId);
  assert.equal(totals.reserved_tokens, 5000);
  assert.equal(totals.model_calls, 0);
  // Billing replaces the worst case with what was billed; a refused call's reservation is released.
  await a.usage.bill(runId, kept[0]!, { input_tokens: 300, output_tokens: 200, cached_input_tokens: 100, cost_usd: 0.0002 });
  await b.usage.release(runId, kept[1]!);
  totals = await a.usage.totals(runId);
  assert.deepEqual({ ...totals, cost_usd: Math.round(totals.cost_usd * 1e6), reserved_cost_usd: Math.round(totals.reserved_cost_usd * 1e6) }, {
    model_calls: 1, input_tokens: 300, output_tokens: 200, cached_input_tokens: 100, cost_usd: 200, reserved_tokens: 3000, reserved_cost_usd: 3000,
  });
  // 500 billed + 3,000 reserved leave 1,500: one more of 1,000 fits, a second does not.
  assert.equal((await reserve(b, "later-1")).ok, true);
  const refused = await reserve(a, "later-2");
  assert.deepEqual(refused.ok ? refused : { ...refused, spent_cost_usd: Math.round(refused.spent_cost_usd * 1e6) }, { ok: false, spent_tokens: 4500, spent_cost_usd: 4200 });
}
