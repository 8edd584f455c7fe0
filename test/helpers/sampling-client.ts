/**
 * A real MCP client that declares the sampling capability and answers `sampling/createMessage` from a
 * script (a function of the branch id and attempt), counting what the server sends.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CreateMessageRequestSchema, type CreateMessageResult } from "@modelcontextprotocol/sdk/types.js";
import path from "node:path";
import { SERVER, tempDir } from "./server.js";

/** What to answer: text to send back, or "silent" to never answer. */
export type Scripted = string | "silent";
export type Script = (req: { branch_id: string | null; attempt: number; system: string; user: string }) => Scripted;

export interface SamplingStats {
  requests: number;
  responses: number;
  maxTokensRequested: number;
  promptChars: number;
  responseChars: number;
  perBranch: Record<string, number>;
}

export async function connectSampling(script: Script, args: string[] = [], opts: { dbPath?: string; env?: Record<string, string> } = {}) {
  const client = new Client({ name: "scripted-sampler", version: "0.0.0" }, { capabilities: { sampling: {} } });
  const stats: SamplingStats = { requests: 0, responses: 0, maxTokensRequested: 0, promptChars: 0, responseChars: 0, perBranch: {} };
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    const p = request.params;
    const branch = typeof p.metadata?.branch_id === "string" ? p.metadata.branch_id : null;
    const key = branch ?? "report";
    stats.requests++;
    stats.maxTokensRequested += p.maxTokens;
    const first = p.messages[0]!.content as { type: string; text?: string };
    const user = first.text ?? "";
    stats.promptChars += user.length + (p.systemPrompt?.length ?? 0);
    stats.perBranch[key] = (stats.perBranch[key] ?? 0) + 1;
    const answer = script({ branch_id: branch, attempt: stats.perBranch[key]!, system: p.systemPrompt ?? "", user });
    if (answer === "silent") return new Promise<CreateMessageResult>(() => undefined);
    stats.responses++;
    stats.responseChars += answer.length;
    return { role: "assistant", model: "scripted-model-1", stopReason: "endTurn", content: { type: "text", text: answer } };
  });
  const dbPath = opts.dbPath ?? path.join(tempDir(), "c.db");
  const transport = new StdioClientTransport({
    command: process.execPath, args: [SERVER, "--db", dbPath, "--pool-cpu", "4", "--pool-memory-mb", "4096", ...args], stderr: "pipe",
    env: { ...(process.env as Record<string, string>), ...opts.env },
  });
  await client.connect(transport);
  const closed = new Promise<void>((resolve) => { client.onclose = resolve; });
  return { client, stats, dbPath, pid: transport.pid!, closed, close: () => client.close() };
}

/** A JSON answer citing a source. */
export function answer(findings: Array<[text: string, source: string]>, confidence = 0.9): string {
  return JSON.stringify({ findings: findings.map(([text, source]) => ({ text, source })), confidence });
}

/**
 * A script that answers with `respond` (by default: never) and a promise that resolves once `count`
 * requests have arrived: "the branches are now waiting for the model".
 */
export function whenAsked(count: number, respond: Script = () => "silent"): { script: Script; asked: Promise<void> } {
  let seen = 0;
  let resolve: () => void = () => undefined;
  const asked = new Promise<void>((r) => { resolve = r; });
  return { asked, script: (req) => { if (++seen === count) resolve(); return respond(req); } };
}
