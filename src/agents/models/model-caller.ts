/**
 * One model call as a branch or the report makes it: reserve its worst case against the run's budget, wait for a
 * slot (at most --model-concurrency in flight, fair across runs), call the LangChain model, bill what the provider
 * reported, and on a rate limit, a server error or a dropped connection try again after a backoff that honours
 * Retry-After, as long as the deadline allows. The branch's signal (its timeout, cancel_run) aborts the request.
 * Errors leave here without the provider's headers and with the API key, should a message carry it, redacted.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { z } from "zod";
import type { UsageStorage } from "../../storage/storage.js";
import { allowance, BudgetExhaustedError, estimateInputTokens, spentOf, type RunBudget } from "./budget.js";
import type { ChatModelFactory } from "./chat-models.js";
import type { FairLimiter } from "./fair-limiter.js";
import type { ModelName } from "../../domain/model-name.js";
import { costOf, type ModelPrices } from "./model-prices.js";
import { backoffMs, classifyError } from "./retry-policy.js";
import type { CallUsage } from "../../domain/usage.js";
import { failSpan, startChatSpan } from "../../telemetry/spans.js";


export interface ModelCall<S extends z.ZodType | undefined> {
  run_id: string;
  /** Stable across a re-run of the same branch attempt (run_id + call_key is the ledger's key). */
  call_key: string;
  model: ModelName;
  system: string;
  user: string;
  /** A zod schema: structured output with the provider's mechanism. Undefined: plain text. */
  schema: S;
  max_output_tokens: number;
  budget: RunBudget;
  signal: AbortSignal;
  /** No try starts, and no backoff waits, past this time (ms since the epoch). */
  deadline: number;
}

export interface ModelReply<T> {
  value: T;
  usage: CallUsage;
  tries: number;
  max_output_tokens: number;
}

export class ModelCallError extends Error {
  override name = "ModelCallError";
}

export interface ModelCallerDeps {
  models: ChatModelFactory;
  limiter: FairLimiter;
  usage: UsageStorage;
  prices: ModelPrices;
  /** Strings never to let out (the API keys). */
  secrets: readonly string[];
  random?: () => number;
}

export type ModelCaller = <S extends z.ZodType | undefined>(call: ModelCall<S>) => Promise<ModelReply<S extends z.ZodType ? z.infer<S> : string>>;

export function createModelCaller(deps: ModelCallerDeps): ModelCaller {
  const redact = (text: string) => deps.secrets.reduce((t, secret) => (secret.length >= 8 ? t.split(secret).join("[redacted]") : t), text);
  return async (call) => {
    const price = deps.prices[call.model.id];
    const inputTokens = estimateInputTokens([call.system, call.user]);
    const messages: BaseMessage[] = [systemMessage(call.model, call.system), new HumanMessage(call.user)];
    for (let attempt = 1; ; attempt++) {
      const key = `${call.call_key}#${attempt}`;
      const allowed = await reserve(deps.usage, call, key, inputTokens, price);
      const release = await deps.limiter.acquire(call.run_id, call.signal).catch(async (error: unknown) => {
        await deps.usage.release(call.run_id, key);
        throw error;
      });
      let reply;
      const span = startChatSpan(call.run_id, call.model.provider, call.model.model, { "gen_ai.request.max_tokens": allowed.max_output_tokens, "conductor.model.try": attempt });
      try {
        const model = await deps.models(call.model, allowed.max_output_tokens);
        if (call.schema) {
          const out = await structured(model, call.schema).invoke(messages, { signal: call.signal });
          reply = { raw: out.raw as { usage_metadata?: UsageMetadata }, parsed: out.parsed as unknown, text: undefined };
        } else {
          const message = await model.invoke(messages, { signal: call.signal });
          reply = { raw: message as { usage_metadata?: UsageMetadata }, parsed: undefined, text: message.text };
        }
      } catch (error) {
        release();
        const decision = classifyError(error);
        const failure = call.signal.aborted ? call.signal.reason : error;
        failSpan(span, failure, !call.signal.aborted && decision.status !== undefined ? String(decision.status) : undefined, redact(failure instanceof Error ? failure.message : String(failure)));
        span.end();
        if (call.signal.aborted) throw call.signal.reason ?? error;
        // A refused request (an HTTP status) was not billed; a dropped one may have been, so it keeps its worst case.
        if (decision.status !== undefined) await deps.usage.release(call.run_id, key);
        const message = redact(error instanceof Error ? error.message.split("\n")[0]! : String(error));
        const wait = backoffMs(attempt, decision.retryAfterMs, deps.random);
        if (!decision.retry || Date.now() + wait >= call.deadline) {
          throw new ModelCallError(`${call.model.id}: ${message}${decision.retry ? ` (gave up after ${attempt} tries: the next would pass the branch's deadline)` : ""}`);
        }
        await sleep(wait, undefined, { signal: call.signal }).catch(() => { throw call.signal.reason; });
        continue;
      }
      release();
      const usage = usageOf(reply.raw.usage_metadata, inputTokens, allowed.max_output_tokens);
      span.setAttributes({ "gen_ai.usage.input_tokens": usage.input_tokens, "gen_ai.usage.output_tokens": usage.output_tokens });
      span.end();
      const cost = price ? costOf(price, { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens, cached_input_tokens: usage.cached_input_tokens }) : 0;
      await deps.usage.bill(call.run_id, key, { ...usage, cost_usd: cost });
      const value = call.schema ? reply.parsed : reply.text;
      if (value === null || value === undefined) throw new ModelCallError(`${call.model.id}: the answer did not have the requested shape`);
      return { value: value as never, usage: { model_calls: 1, ...usage, cost_usd: cost }, tries: attempt, max_output_tokens: allowed.max_output_tokens };
    }
  };
}

type Structured = ReturnType<BaseChatModel["withStructuredOutput"]>;
const structuredRunnables = new WeakMap<BaseChatModel, Map<z.ZodType, Structured>>();

/** The model's structured-output runnable for a schema, built once per client (not per call). */
function structured(model: BaseChatModel, schema: z.ZodType): { invoke(messages: BaseMessage[], options: { signal: AbortSignal }): Promise<{ raw: unknown; parsed: unknown }> } {
  let bySchema = structuredRunnables.get(model);
  if (!bySchema) structuredRunnables.set(model, (bySchema = new Map()));
  let runnable = bySchema.get(schema);
  if (!runnable) bySchema.set(schema, (runnable = model.withStructuredOutput(schema, { includeRaw: true })));
  return runnable as never;
}

interface UsageMetadata {
  input_tokens?: number;
  output_tokens?: number;
  input_token_details?: { cache_read?: number };
}

/** The provider's counts; where it reported none, the reservation's worst case (never less than was risked). */
function usageOf(meta: UsageMetadata | undefined, inputEstimate: number, maxOutput: number) {
  return {
    input_tokens: meta?.input_tokens ?? inputEstimate,
    output_tokens: meta?.output_tokens ?? maxOutput,
    cached_input_tokens: meta?.input_token_details?.cache_read ?? 0,
  };
}

/** Reserves the call's worst case; on a race with another branch's reservation, reads what is left and tries again. */
async function reserve(usage: UsageStorage, call: ModelCall<z.ZodType | undefined>, key: string, inputTokens: number, price: ModelPrices[string] | undefined) {
  const limited = call.budget.max_tokens !== undefined || call.budget.max_cost_usd !== undefined;
  for (let tries = 0; ; tries++) {
    // Without a budget nothing is left to check: the reservation only records the call.
    const spent = limited ? spentOf(await usage.totals(call.run_id)) : { tokens: 0, cost_usd: 0 };
    const allowed = allowance(call.budget, spent, inputTokens, call.max_output_tokens, price);
    const outcome = await usage.reserve({
      run_id: call.run_id, call_key: key, model: call.model.id, tokens: allowed.reserved_tokens, cost_usd: allowed.reserved_cost_usd,
      ...(call.budget.max_tokens !== undefined ? { max_tokens: call.budget.max_tokens } : {}),
      ...(call.budget.max_cost_usd !== undefined ? { max_cost_usd: call.budget.max_cost_usd } : {}),
    });
    if (outcome.ok) return allowed;
    if (tries >= 10) throw new BudgetExhaustedError("the run's budget is exhausted: other branches reserved what was left");
  }
}

/** Anthropic caches the shared system prompt (cache_control); OpenAI caches long prefixes by itself. */
function systemMessage(model: ModelName, text: string): SystemMessage {
  if (model.provider !== "anthropic") return new SystemMessage(text);
  return new SystemMessage({ content: [{ type: "text", text, cache_control: { type: "ephemeral" } }] });
}
