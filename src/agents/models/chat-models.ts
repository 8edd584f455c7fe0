/**
 * LangChain chat models for `PROVIDER:MODEL`, built when first needed (a server without --model never loads a
 * provider package): ChatAnthropic and ChatOpenAI on the graph's @langchain/core, with the key from the provider's own
 * environment variable and the client's own retries off (model-caller.ts retries, within the branch's deadline).
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { API_KEY_VARIABLES, type ModelName } from "../../domain/model-name.js";

export interface ChatModelOptions {
  /** An OpenAI- or Anthropic-compatible server instead of the provider's own API. */
  baseUrl?: string;
  env: NodeJS.ProcessEnv;
}

export type ChatModelFactory = (model: ModelName, maxTokens: number) => Promise<BaseChatModel>;

/** The key a provider would use, or an error naming the variable; a local server (a base URL) needs none. */
export function apiKeyFor(model: ModelName, options: ChatModelOptions): string {
  const variable = API_KEY_VARIABLES[model.provider];
  const key = options.env[variable]?.trim();
  if (key) return key;
  if (options.baseUrl) return "not-needed"; // Ollama, vLLM, llama.cpp accept any key
  throw new Error(`model ${model.id} needs an API key: set ${variable} in the server's environment (or give --model-base-url for a local server)`);
}

/** Clients kept per model and max_tokens (a budget lowers max_tokens, so a run may need a few); cleared past this. */
const CACHED_MODELS = 256;

export function createChatModelFactory(options: ChatModelOptions): ChatModelFactory {
  const cache = new Map<string, Promise<BaseChatModel>>();
  const build = createUncached(options);
  return (model, maxTokens) => {
    const key = `${model.id}\u0000${maxTokens}`;
    let made = cache.get(key);
    if (!made) {
      if (cache.size >= CACHED_MODELS) cache.clear();
      made = build(model, maxTokens);
      made.catch(() => cache.delete(key));
      cache.set(key, made);
    }
    return made;
  };
}

function createUncached(options: ChatModelOptions): ChatModelFactory {
  return async (model, maxTokens) => {
    const apiKey = apiKeyFor(model, options);
    if (model.provider === "anthropic") {
      const { ChatAnthropic } = await import("@langchain/anthropic");
      return new ChatAnthropic({
        model: model.model, apiKey, maxTokens, maxRetries: 0, temperature: 0.2,
        ...(options.baseUrl ? { anthropicApiUrl: options.baseUrl } : {}),
      });
    }
    const { ChatOpenAI } = await import("@langchain/openai");
    return new ChatOpenAI({
      model: model.model, apiKey, maxTokens, maxRetries: 0, temperature: 0.2,
      ...(options.baseUrl ? { configuration: { baseURL: options.baseUrl } } : {}),
    });
  };
}
