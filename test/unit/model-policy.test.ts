import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { allowance, BudgetExhaustedError, estimateInputTokens, MIN_OUTPUT_TOKENS } from "../../src/agents/models/budget.js";
import { costOf, parseModelPrices } from "../../src/agents/models/model-prices.js";
import { backoffMs, classifyError, retryAfter } from "../../src/agents/models/retry-policy.js";

describe("retry policy", () => {
  test("429, 5xx and dropped connections are retried; other statuses and shape errors are not", () => {
    assert.equal(classifyError({ status: 429 }).retry, true);
    assert.equal(classifyError({ status: 529 }).retry, true);
    assert.equal(classifyError({ status: 400 }).retry, false);
    assert.equal(classifyError({ status: 401 }).retry, false);
    assert.equal(classifyError(new Error("Connection error.")).retry, true);
    assert.equal(classifyError(new SyntaxError("Unexpected token")).retry, false);
  });

  test("Retry-After in seconds, as a date, or retry-after-ms; from Headers or a record", () => {
    assert.equal(retryAfter(new Headers({ "retry-after": "3" })), 3000);
    assert.equal(retryAfter({ "retry-after-ms": "250" }), 250);
    assert.equal(retryAfter({ "retry-after": new Date(10_000).toUTCString() }, 4_000), 6000);
    assert.equal(retryAfter({}), undefined);
    assert.equal(classifyError({ status: 429, headers: new Headers({ "retry-after": "2" }) }).retryAfterMs, 2000);
  });

  test("backoff doubles within full jitter, is capped, and never undercuts Retry-After", () => {
    assert.equal(backoffMs(1, undefined, () => 0.999), 499);
    assert.equal(backoffMs(3, undefined, () => 0.5), 1000);
    assert.equal(backoffMs(20, undefined, () => 0.999), 19_980);
    assert.equal(backoffMs(1, 5000, () => 0.1), 5000);
  });
});

describe("budget", () => {
  test("the input estimate is a third of the UTF-8 bytes plus 16 a message", () => {
    assert.equal(estimateInputTokens(["abc", "ü".repeat(30)]), 1 + 16 + 20 + 16);
  });

  test("no budget: the call gets what it asked; a budget lowers max_tokens to what is left", () => {
    assert.equal(allowance({}, { tokens: 0, cost_usd: 0 }, 500, 2000, undefined).max_output_tokens, 2000);
    const a = allowance({ max_tokens: 3000 }, { tokens: 1000, cost_usd: 0 }, 500, 2000, undefined);
    assert.deepEqual(a, { max_output_tokens: 1500, reserved_tokens: 2000, reserved_cost_usd: 0 });
  });

  test("a call that cannot get the minimum output is refused with budget_exhausted", () => {
    assert.throws(() => allowance({ max_tokens: 1000 }, { tokens: 600, cost_usd: 0 }, 300, 2000, undefined),
      (e: unknown) => e instanceof BudgetExhaustedError && e.reason === "budget_exhausted" && /400 of 1000 tokens left/.test(e.message));
    assert.equal(allowance({ max_tokens: 1000 }, { tokens: 0, cost_usd: 0 }, 1000 - MIN_OUTPUT_TOKENS, 2000, undefined).max_output_tokens, MIN_OUTPUT_TOKENS);
  });

  test("a dollar budget bounds output by the price", () => {
    const price = { input: 1, output: 10 }; // $ per million
    const a = allowance({ max_cost_usd: 0.01 }, { tokens: 0, cost_usd: 0.004 }, 1000, 2000, price);
    assert.equal(a.max_output_tokens, 500); // (0.01 - 0.004 - 0.001) / 10e-6
    assert.ok(Math.abs(a.reserved_cost_usd - 0.006) < 1e-12);
  });
});

describe("prices", () => {
  test("a prices file parses, and cost counts cached input at its own price", () => {
    const prices = parseModelPrices('{ "openai:gpt-4o-mini": { "input": 0.15, "output": 0.6, "cached_input": 0.075 } }');
    const cost = costOf(prices["openai:gpt-4o-mini"]!, { input_tokens: 1_000_000, cached_input_tokens: 400_000, output_tokens: 100_000 });
    assert.ok(Math.abs(cost - (0.6 * 0.15 + 0.4 * 0.075 + 0.1 * 0.6)) < 1e-12);
    assert.throws(() => parseModelPrices('{ "gpt-4o": { "input": 1, "output": 2 } }'), /PROVIDER:MODEL/);
    assert.throws(() => parseModelPrices("nope"), /not JSON/);
  });
});
