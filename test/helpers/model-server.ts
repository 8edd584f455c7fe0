/**
 * The built server with its model executor pointed at a scripted provider (loopback HTTP): the real LangChain
 * clients inside the server talk to it, as they would to OpenAI, Anthropic or a local Ollama.
 */
import { connect, type Connected, type ConnectOptions } from "./server.js";
import { findingsResponder, startScriptedProvider, type RecordedRequest, type Responder, type ScriptedProvider, type ScriptedProviderOptions } from "./scripted-provider.js";

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

/** The run's marker, "[run:ID]", put in its objective (which branch and report prompts both carry) by `markRun`. */
export const runKey = (text: string) => /\[run:([^\]]+)\]/.exec(text)?.[1] ?? "unmarked";

/** A `keyOf` counting calls per "run/branch" (e.g. "r1/t3", "r1/report"), for runs marked by `markRun`. */
export const runBranchKey = (r: RecordedRequest) => `${runKey(r.userText)}/${branchKey(r.userText)}`;

/** A start_workflow request whose tasks are marked "[t1]".."[tN]" in their descriptions, for `branchKey`. */
export function markTasks<T extends Record<string, unknown>>(request: T): T {
  const tasks = (request.tasks as Array<Record<string, unknown>>).map((t, i) => ({ ...t, description: `[t${i + 1}] ${String(t.description)}` }));
  return { ...request, tasks };
}

/** `markTasks(request)` with `run_id` set and its objective marked "[run:ID]", for `runBranchKey`. */
export function markRun<T extends Record<string, unknown>>(request: T, runId: string): T {
  return { ...markTasks(request), run_id: runId, objective: `${String(request.objective)} [run:${runId}]` };
}

/** A pool with room for five branches at once (the default is this machine's cores, two on a small CI box). */
export const ROOMY_POOL = ["--pool-cpu", "4", "--pool-memory-mb", "4096"];

/** The --model arguments and API keys that point a server at `provider`. */
export function providerArgs(provider: ScriptedProvider, kind: Provider = "openai"): { args: string[]; env: Record<string, string> } {
  const model = kind === "openai" ? "openai:gpt-test" : "anthropic:claude-test";
  const baseUrl = kind === "openai" ? `${provider.url}/v1` : provider.url;
  return { args: ["--model", model, "--model-base-url", baseUrl], env: { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY } };
}

/** Connects a server (a new database, or `options.dbPath`'s) whose model executor calls `provider`. */
export function connectToProvider(provider: ScriptedProvider, options: ConnectOptions & { kind?: Provider } = {}): Promise<Connected> {
  const { kind, ...rest } = options;
  const p = providerArgs(provider, kind);
  return connect({ ...rest, args: [...p.args, ...(rest.args ?? [])], env: { ...p.env, ...rest.env } });
}

export async function startModelServer(kind: Provider, options: ScriptedProviderOptions & { args?: string[]; connect?: ConnectOptions } = {}): Promise<ModelServer> {
  const provider = await startScriptedProvider({ keyOf: (r) => branchKey(r.userText), responder: findingsResponder(), ...options });
  const server = await connectToProvider(provider, { ...options.connect, kind, args: [...(options.args ?? []), ...(options.connect?.args ?? [])] });
  return {
    server, provider,
    async close() {
      await server.close();
      await provider.close();
    },
  };
}

/**
 * A responder that holds every call until `release()`, then answers it (and every later one) with `answer`
 * (default: findings). A held call whose client gives up is not answered.
 */
export function heldResponder(answer: Responder = findingsResponder()): { responder: Responder; release(): void } {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => { release = resolve; });
  return { release, responder: async (r, i) => { await released; return answer(r, i); } };
}

/** `n` research tasks with small inputs of about the same size, each description marked with its id. */
export function markedTasks(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    type: "research", focus: (["technical", "market", "competitive"] as const)[i % 3],
    description: `[t${i + 1}] edge accelerator revenue, latency and power`,
    inputs: [{ name: `notes-${i + 1}.md`, text: `Edge accelerator revenue grew 20 percent in 2025 in region ${i + 1}. Latency fell to 4 ms at 5 watts of power. Vendors compete on efficiency.` }],
  }));
}
