/**
 * Prices per million tokens, per model, from `--model-prices FILE` (JSON), and the cost of a call (pure).
 * `{ "openai:gpt-4o-mini": { "input": 0.15, "output": 0.6, "cached_input": 0.075 } }`: dollars per million input,
 * output and (optionally) cached input tokens.
 */
import { z } from "zod";
import { ModelNameSchema } from "../../domain/model-name.js";

export const ModelPriceSchema = z.object({
  input: z.number().min(0).describe("dollars per million input tokens"),
  output: z.number().min(0).describe("dollars per million output tokens"),
  cached_input: z.number().min(0).optional().describe("dollars per million cached input tokens (default: the input price)"),
}).strict();
export type ModelPrice = z.infer<typeof ModelPriceSchema>;

export const ModelPricesSchema = z.record(ModelNameSchema, ModelPriceSchema);
export type ModelPrices = z.infer<typeof ModelPricesSchema>;

export interface TokenCounts {
  input_tokens: number;
  output_tokens: number;
  /** Of the input tokens, those read from the provider's prompt cache. */
  cached_input_tokens?: number;
}

/** Parses the prices file's text; throws with the zod issue (model name or field) on a bad file. */
export function parseModelPrices(text: string): ModelPrices {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`);
  }
  for (const key of typeof json === "object" && json !== null ? Object.keys(json) : []) {
    const name = ModelNameSchema.safeParse(key);
    if (!name.success) throw new Error(`"${key}": ${name.error.issues[0]?.message ?? "not a model name"}`);
  }
  const parsed = ModelPricesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue?.path.join(".") || "(top level)"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** Dollars for these counts at this price (cached input at its own price where given). */
export function costOf(price: ModelPrice, counts: TokenCounts): number {
  const cached = Math.min(counts.cached_input_tokens ?? 0, counts.input_tokens);
  const fresh = counts.input_tokens - cached;
  return (fresh * price.input + cached * (price.cached_input ?? price.input) + counts.output_tokens * price.output) / 1e6;
}
