/**
 * Budget arithmetic for a model call (pure): its worst case is the estimated input plus the output it may write;
 * the output allowed is lowered to what the run has left, and a call that cannot get a useful minimum is refused.
 */
import type { ModelPrice } from "./model-prices.js";

/** A run's budget, as start_workflow's `budget` and --max-run-tokens give it. */
export interface RunBudget {
  max_tokens?: number;
  max_cost_usd?: number;
}

/** A run's ledger totals (storage's UsageTotals): billed counts and open reservations. */
export interface LedgerTotals {
  model_calls: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_usd: number;
  reserved_tokens: number;
  reserved_cost_usd: number;
}

/** What a run has used against its budget: billed calls at their bills, open reservations at their worst case. */
export function spentOf(t: LedgerTotals): { tokens: number; cost_usd: number } {
  return { tokens: t.input_tokens + t.output_tokens + t.reserved_tokens, cost_usd: t.cost_usd + t.reserved_cost_usd };
}

/** What a run's billed calls used (RunStatus.usage, the report's footer). */
export function billedUsage(t: LedgerTotals): { model_calls: number; input_tokens: number; output_tokens: number; cached_input_tokens: number; cost_usd: number } {
  return { model_calls: t.model_calls, input_tokens: t.input_tokens, output_tokens: t.output_tokens, cached_input_tokens: t.cached_input_tokens, cost_usd: t.cost_usd };
}

/** Below this many output tokens a branch's answer cannot be written: the call is refused instead. */
export const MIN_OUTPUT_TOKENS = 256;

export class BudgetExhaustedError extends Error {
  override name = "BudgetExhaustedError";
  /** For the timeline's branch_failed data. */
  readonly reason = "budget_exhausted";
}

/**
 * Input tokens of a prompt, over- rather than under-estimated: a third of its UTF-8 bytes (English runs about four
 * characters a token; CJK one character of three bytes a token) and 16 a message for the chat format.
 */
export function estimateInputTokens(texts: readonly string[]): number {
  return texts.reduce((sum, t) => sum + Math.ceil(Buffer.byteLength(t) / 3) + 16, 0);
}

export interface CallAllowance {
  /** max_tokens for the call. */
  max_output_tokens: number;
  /** Reserved: the estimate plus max_output_tokens, and its cost. */
  reserved_tokens: number;
  reserved_cost_usd: number;
}

/**
 * What a call may use given what the run has left (`spent` counts open reservations at their worst case). Throws
 * BudgetExhaustedError when not even MIN_OUTPUT_TOKENS (or the requested output, if smaller) fit.
 */
export function allowance(budget: RunBudget, spent: { tokens: number; cost_usd: number }, inputTokens: number, wantedOutput: number, price: ModelPrice | undefined): CallAllowance {
  let output = wantedOutput;
  const floor = Math.min(MIN_OUTPUT_TOKENS, wantedOutput);
  if (budget.max_tokens !== undefined) output = Math.min(output, budget.max_tokens - spent.tokens - inputTokens);
  if (budget.max_cost_usd !== undefined && price !== undefined) {
    const left = budget.max_cost_usd - spent.cost_usd - (inputTokens * price.input) / 1e6;
    output = Math.min(output, price.output > 0 ? Math.floor((left * 1e6) / price.output) : output);
    if (left < 0) output = -1;
  }
  if (output < floor) {
    const left = budget.max_tokens !== undefined ? `${Math.max(0, budget.max_tokens - spent.tokens)} of ${budget.max_tokens} tokens left` : "";
    const cost = budget.max_cost_usd !== undefined ? `$${Math.max(0, budget.max_cost_usd - spent.cost_usd).toFixed(4)} of $${budget.max_cost_usd} left` : "";
    throw new BudgetExhaustedError(`the run's budget is exhausted (${[left, cost].filter(Boolean).join(", ")}); this call needs about ${inputTokens} input tokens and at least ${floor} output tokens`);
  }
  const reserved = inputTokens + output;
  return {
    max_output_tokens: output,
    reserved_tokens: reserved,
    reserved_cost_usd: price ? (inputTokens * price.input + output * price.output) / 1e6 : 0,
  };
}
