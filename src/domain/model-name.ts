/**
 * Model names as settings and requests give them: `PROVIDER:MODEL`, the provider one LangChain has a package
 * for here (anthropic: @langchain/anthropic, openai: @langchain/openai, which also speaks to any OpenAI-compatible
 * server such as Ollama, vLLM, llama.cpp or LM Studio through --model-base-url).
 */
import { z } from "zod";

export const MODEL_PROVIDERS = ["anthropic", "openai"] as const;
export type ModelProvider = (typeof MODEL_PROVIDERS)[number];

export const ModelNameSchema = z.string()
  .regex(/^(anthropic|openai):[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$/u, 'a model is "PROVIDER:MODEL", the provider anthropic or openai, e.g. "anthropic:claude-sonnet-4-5" or "openai:gpt-4o-mini"')
  .describe('"PROVIDER:MODEL": anthropic or openai (any OpenAI-compatible server with --model-base-url)');

export interface ModelName {
  /** As given: `provider:model`. */
  id: string;
  provider: ModelProvider;
  model: string;
}

export function parseModelName(id: string): ModelName {
  const parsed = ModelNameSchema.safeParse(id);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? `invalid model "${id}"`);
  const at = id.indexOf(":");
  return { id, provider: id.slice(0, at) as ModelProvider, model: id.slice(at + 1) };
}

/** The environment variable each provider's key is read from (and only from). */
export const API_KEY_VARIABLES: Readonly<Record<ModelProvider, string>> = {
  anthropic: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
};
