/**
 * The model executor's settings (--model, --model-base-url, --models, --model-concurrency, --max-run-tokens,
 * --model-prices, --model-context-tokens), checked once at start-up: a model without its key, a bad URL or prices
 * file stops the server with a SettingsError.
 */
import fs from "node:fs";
import { apiKeyFor } from "./agents/models/chat-models.js";
import { parseModelName } from "./domain/model-name.js";
import { parseModelPrices, type ModelPrices } from "./agents/models/model-prices.js";
import { SettingsError, positive } from "./settings-error.js";

/** The environment variables of the model settings (flags win over them). */
export const MODEL_ENV = {
  model: "CONDUCTOR_MODEL",
  modelBaseUrl: "CONDUCTOR_MODEL_BASE_URL",
  models: "CONDUCTOR_MODELS",
  modelConcurrency: "CONDUCTOR_MODEL_CONCURRENCY",
  maxRunTokens: "CONDUCTOR_MAX_RUN_TOKENS",
  modelPrices: "CONDUCTOR_MODEL_PRICES",
  modelContextTokens: "CONDUCTOR_MODEL_CONTEXT_TOKENS",
} as const;
const ENV = MODEL_ENV;

export interface ModelSettings {
  /** The default model (`--model`), and every model a run or template may name (`--models`, always with the default). */
  model: string;
  allowed: string[];
  baseUrl: string | undefined;
  /** Model calls in flight in this process at most. */
  concurrency: number;
  /** A cap on every run's token budget. */
  maxRunTokens: number | undefined;
  /** The models' context window, where the operator gave it: prompts' sources are cut to fit. */
  contextTokens: number | undefined;
  prices: ModelPrices;
}

/** The model executor's settings; undefined without --model. Throws SettingsError for a bad model, list, key or file. */
export function modelSettings(str: (flag: string, variable: string) => string | undefined, env: NodeJS.ProcessEnv): ModelSettings | undefined {
  const model = str("model", ENV.model);
  const baseUrl = str("model-base-url", ENV.modelBaseUrl);
  const concurrency = positive("--model-concurrency", str("model-concurrency", ENV.modelConcurrency) ?? "8", true);
  const rawCap = str("max-run-tokens", ENV.maxRunTokens);
  const maxRunTokens = rawCap === undefined ? undefined : positive("--max-run-tokens", rawCap, true);
  const rawContext = str("model-context-tokens", ENV.modelContextTokens);
  const contextTokens = rawContext === undefined ? undefined : positive("--model-context-tokens", rawContext, true);
  if (model === undefined) return undefined;
  const allowed = [...new Set([model, ...(str("models", ENV.models) ?? "").split(",").map((m) => m.trim()).filter(Boolean)])];
  for (const id of allowed) {
    try {
      apiKeyFor(parseModelName(id), { env, ...(baseUrl ? { baseUrl } : {}) });
    } catch (error) {
      throw new SettingsError(`--model/--models "${id}": ${(error as Error).message}`);
    }
  }
  if (baseUrl !== undefined && !/^https?:\/\//iu.test(baseUrl)) throw new SettingsError(`--model-base-url must be an http(s) URL, got "${baseUrl}"`);
  const pricesFile = str("model-prices", ENV.modelPrices);
  let prices: ModelPrices = {};
  if (pricesFile !== undefined) {
    try {
      prices = parseModelPrices(fs.readFileSync(pricesFile, "utf8"));
    } catch (error) {
      throw new SettingsError(`--model-prices ${pricesFile}: ${(error as Error).message}`);
    }
  }
  return { model, allowed, baseUrl, concurrency, maxRunTokens, contextTokens, prices };
}
