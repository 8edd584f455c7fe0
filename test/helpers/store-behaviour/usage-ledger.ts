/** The usage ledger's shared behaviour (../usage-ledger-behaviour.ts) as a test, on a harness's two storages. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { checkUsageLedger } from "../usage-ledger-behaviour.js";
import { newRun, withStores, type OpenStores } from "./harness.js";

export function defineUsageLedgerBehaviour(open: OpenStores): void {
  describe("usage ledger", () => {
    test("atomic reservations against a budget from two processes, idempotent keys, bills", () => withStores(open, async ({ a, b }) => {
      await a.runs.create(newRun("run-ledger"));
      await checkUsageLedger(a, b, "run-ledger");
    }));

    test("without a budget every reservation fits, a repeated key is the same one; unknown runs and keys", () => withStores(open, async ({ a, b }) => {
      const zero = { model_calls: 0, input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, cost_usd: 0, reserved_tokens: 0, reserved_cost_usd: 0 };
      assert.deepEqual(await a.usage.totals("no-such-run"), zero);
      await a.runs.create(newRun("r1"));
      const reserve = (key: string) => ({ run_id: "r1", call_key: key, model: "openai:m", tokens: 1e6, cost_usd: 2 });
      assert.deepEqual(await a.usage.reserve(reserve("k1")), { ok: true, existing: false });
      assert.deepEqual(await b.usage.reserve(reserve("k1")), { ok: true, existing: true });
      assert.deepEqual(await b.usage.reserve(reserve("k2")), { ok: true, existing: false });
      await a.usage.bill("r1", "no-such-key", { input_tokens: 1, output_tokens: 1, cached_input_tokens: 0, cost_usd: 1 });
      await a.usage.bill("r1", "k2", { input_tokens: 10, output_tokens: 5, cached_input_tokens: 2, cost_usd: 0.5 });
      await a.usage.release("r1", "k2");
      await a.usage.release("r1", "no-such-key");
      assert.deepEqual(await b.usage.totals("r1"), { model_calls: 1, input_tokens: 10, output_tokens: 5, cached_input_tokens: 2, cost_usd: 0.5, reserved_tokens: 1e6, reserved_cost_usd: 2 },
        "a billed call is not released");
      assert.deepEqual(await b.usage.totals("no-such-run"), zero);
    }));
  });
}
