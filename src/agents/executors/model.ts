/**
 * The model executor: the server itself asks a chat model for each branch (LangChain's provider packages), with
 * the template's instructions and specialization as the system prompt and the task with its sources (reduced to
 * the most relevant passages when large) as the user message. The answer is structured output on the zod schema
 * of `{ findings: [{ text, source }], confidence }`, scored like a sampling answer. Budget, concurrency, retries and
 * usage are the model caller's (../models/model-caller.ts).
 */
import { z } from "zod";
import type { OfflinePool } from "../offthread/worker-pool.js";
import type { ModelCaller } from "../models/model-caller.js";
import type { ModelName } from "../../domain/model-name.js";
import type { RunBudget } from "../models/budget.js";
import { MAX_PROMPT_INPUT_CHARS, normalizeAnswer, scoreAnswer, systemPrompt, userPrompt } from "./model-answer.js";
import { promptSources } from "./prompt-sources.js";
import { DEFAULT_MAX_TOKENS } from "./sampling.js";
import type { BranchOutcome, BranchWork, Executor } from "./types.js";

/** The answer a branch's model gives; bounds are checked after (strict JSON schemas of some providers reject them). */
export const ModelAnswerSchema = z.object({
  findings: z.array(z.object({
    text: z.string().describe("one finding, a full sentence"),
    source: z.string().describe("the name of the source it comes from"),
  })).describe("the findings that answer the task, best first"),
  confidence: z.number().describe("how sure you are of the findings, from 0 to 1"),
});

export interface ModelExecutorDeps {
  call: ModelCaller;
  pool: OfflinePool;
  /** The model a branch uses: its template's where it names an allowed one, else the run's. */
  modelFor(work: BranchWork): ModelName;
  /** Tokens the run's budget has left (undefined: no token budget). */
  tokensLeft(runId: string, budget: RunBudget): Promise<number | undefined>;
  /** The model's context window in tokens (--model-context-tokens), where the operator gave it. */
  contextTokens?: number;
}

/**
 * Characters of sources a prompt may carry: the prompt limit, within the model's context (less the output and the
 * prompt's own text), and at most half of what the run's budget has left, so a branch late in a tight budget sends
 * its most relevant passages rather than being refused. Three characters a token, as the budget's estimate.
 */
export function sourceChars(wantedOutput: number, contextTokens: number | undefined, tokensLeft: number | undefined): number {
  let chars = MAX_PROMPT_INPUT_CHARS;
  if (contextTokens !== undefined) chars = Math.min(chars, (contextTokens - wantedOutput - PROMPT_OVERHEAD_TOKENS) * 3);
  if (tokensLeft !== undefined) chars = Math.min(chars, Math.floor(tokensLeft / 2) * 3);
  return Math.max(1000, chars);
}

/** The system prompt, the task and the answer's instructions, in tokens (generously). */
const PROMPT_OVERHEAD_TOKENS = 1000;

export function createModelExecutor(deps: ModelExecutorDeps): Executor {
  return {
    name: "model",
    async runBranch(work: BranchWork): Promise<BranchOutcome> {
      const model = deps.modelFor(work);
      const wanted = positiveInt(work.agent.parameters.max_tokens) ?? DEFAULT_MAX_TOKENS;
      const left = await deps.tokensLeft(work.run_id, work.budget ?? {});
      const sources = await promptSources(work, deps.pool, sourceChars(wanted, deps.contextTokens, left));
      const reply = await deps.call({
        run_id: work.run_id, call_key: `${work.branch_id}:${work.attempt ?? 1}`, model,
        system: systemPrompt(work.agent), user: userPrompt({ ...work, inputs: sources.inputs }),
        schema: ModelAnswerSchema, max_output_tokens: wanted, budget: work.budget ?? {},
        signal: work.signal, deadline: Date.now() + work.timeout_seconds * 1000,
      });
      const answer = normalizeAnswer({ ...reply.value, confidence: clamp01(reply.value.confidence) });
      const scored = scoreAnswer(answer, sources.inputs, `model:${model.id}`);
      const u = reply.usage;
      return {
        findings: scored.findings,
        quality: scored.quality,
        usage: u,
        notes: [
          `answered by ${model.id} in ${reply.tries} tr${reply.tries === 1 ? "y" : "ies"}, ${reply.max_output_tokens} output tokens allowed; ` +
            `${u.input_tokens} input tokens (${u.cached_input_tokens} cached), ${u.output_tokens} output` + (u.cost_usd > 0 ? `, $${u.cost_usd.toFixed(6)}` : ""),
          `${scored.backed} of ${scored.findings.length} findings backed by the inputs; stated confidence ${answer.confidence ?? "none"}`,
          sources.note,
        ],
      };
    },
  };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0.5;
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}
