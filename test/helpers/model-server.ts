/**
 * The built server with its model executor pointed at a scripted provider (loopback HTTP): the real LangChain
 * clients inside the server talk to it, as they would to OpenAI, Anthropic or a local Ollama.
 */
import { connect, type Connected, type ConnectOptions } from "./server.js";
import { findingsResponder, startScriptedProvider, type ScriptedProvider, type ScriptedProviderOptions } from "./scripted-provider.js";

export const OPENAI_KEY = "sk-test-OPENAI-7f3a9c1e5b2d4f60";
export const ANTHROPIC_KEY = "sk-ant-test-ANTHROPIC-2c8e6a4b1d9f3e57";

export type Provider = "openai" | "anthropic";

export interface ModelServer {
  server: Connected;
  provider: ScriptedProvider;
  close(): Promise<void>;
}

/** The task's marker, e.g. "[t3]", put in its description: the provider counts calls per branch by it. */
export const branchKey = (text: string) => /\[(t\d+)\]/.exec(text)?.[1] ?? (/Merged findings/.test(text) ? "report" : "other");

export async function startModelServer(kind: Provider, options: ScriptedProviderOptions & { args?: string[]; connect?: ConnectOptions } = {}): Promise<ModelServer> {
  const provider = await startScriptedProvider({ keyOf: (r) => branchKey(r.userText), responder: findingsResponder(), ...options });
  const model = kind === "openai" ? "openai:gpt-test" : "anthropic:claude-test";
  const baseUrl = kind === "openai" ? `${provider.url}/v1` : provider.url;
  const server = await connect({
    ...options.connect,
    args: ["--model", model, "--model-base-url", baseUrl, ...(options.args ?? []), ...(options.connect?.args ?? [])],
    env: { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY, ...options.connect?.env },
  });
  return {
    server, provider,
    async close() {
      await server.close();
      await provider.close();
    },
  };
}

/** `n` research tasks with small inputs of about the same size, each description marked with its id. */
export function markedTasks(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    type: "research", focus: (["technical", "market", "competitive"] as const)[i % 3],
    description: `[t${i + 1}] edge accelerator revenue, latency and power`,
    inputs: [{ name: `notes-${i + 1}.md`, text: `Edge accelerator revenue grew 20 percent in 2025 in region ${i + 1}. Latency fell to 4 ms at 5 watts of power. Vendors compete on efficiency.` }],
  }));
}
