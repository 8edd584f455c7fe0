/**
 * A real MCP client that declares the sampling capability and answers `sampling/createMessage` from a
 * script (a function of the branch id and attempt), counting what the server sends. Over stdio or HTTP, as
 * `connect` is.
 */
import { CreateMessageRequestSchema, type CreateMessageRequest, type CreateMessageResult } from "@modelcontextprotocol/sdk/types.js";
import path from "node:path";
import { connect, tempDir } from "./server.js";

/** What to answer: text to send back, or "silent" to never answer. */
export type Scripted = string | "silent";
export type Script = (req: { branch_id: string | null; attempt: number; system: string; user: string }) => Scripted | Promise<Scripted>;

export interface SamplingStats {
  requests: number;
  responses: number;
  maxTokensRequested: number;
  promptChars: number;
  responseChars: number;
  perBranch: Record<string, number>;
}

export async function connectSampling(script: Script, args: string[] = [], opts: { dbPath?: string; env?: Record<string, string> } = {}) {
  const stats: SamplingStats = { requests: 0, responses: 0, maxTokensRequested: 0, promptChars: 0, responseChars: 0, perBranch: {} };
  const answerScripted = async (request: CreateMessageRequest): Promise<CreateMessageResult> => {
    const p = request.params;
    const branch = metadataString(p.metadata, "branch_id") ?? null;
    const key = branch ?? "report";
    stats.requests++;
    stats.maxTokensRequested += p.maxTokens;
    const first = p.messages[0]!.content as { type: string; text?: string };
    const user = first.text ?? "";
    stats.promptChars += user.length + (p.systemPrompt?.length ?? 0);
    stats.perBranch[key] = (stats.perBranch[key] ?? 0) + 1;
    const answer = await script({ branch_id: branch, attempt: stats.perBranch[key]!, system: p.systemPrompt ?? "", user });
    if (answer === "silent") return new Promise<CreateMessageResult>(() => undefined);
    stats.responses++;
    stats.responseChars += answer.length;
    return { role: "assistant", model: "scripted-model-1", stopReason: "endTurn", content: { type: "text", text: answer } };
  };
  const server = await connect({
    dbPath: opts.dbPath ?? path.join(tempDir(), "c.db"),
    args: ["--pool-cpu", "4", "--pool-memory-mb", "4096", ...args],
    ...(opts.env ? { env: opts.env } : {}),
    clientName: "scripted-sampler",
    capabilities: { sampling: {} },
    prepare: (client) => client.setRequestHandler(CreateMessageRequestSchema, answerScripted),
  });
  return { client: server.client, stats, dbPath: server.dbPath, pid: server.pid, closed: server.exited, close: () => server.close() };
}

/**
 * A string member of a sampling request's metadata (the SDK types metadata as `object`: it is provider-specific),
 * or undefined when it is absent or not a string.
 */
export function metadataString(metadata: object | undefined, key: string): string | undefined {
  const value: unknown = metadata === undefined ? undefined : Reflect.get(metadata, key);
  return typeof value === "string" ? value : undefined;
}

/** A JSON answer citing a source. */
export function answer(findings: Array<[text: string, source: string]>, confidence = 0.9): string {
  return JSON.stringify({ findings: findings.map(([text, source]) => ({ text, source })), confidence });
}
