/**
 * The sampling executor: a branch's agent asks the client's model through MCP `sampling/createMessage`,
 * with the template's instructions and specialization as the system prompt and the task, its focus and
 * its inputs as the user message. It honours maxTokens, the branch timeout and cancellation (the abort
 * signal cancels the request). A reply that cannot be read fails the branch with the reason.
 */
import type { CreateMessageRequest, CreateMessageResult } from "@modelcontextprotocol/server";
import type { OfflinePool } from "../offthread/worker-pool.js";
import { MalformedAnswerError, parseModelAnswer, scoreAnswer, systemPrompt, userPrompt } from "./model-answer.js";
import { promptSources } from "./prompt-sources.js";
import type { BranchOutcome, BranchWork, Executor } from "./types.js";

/** Asks the model of the client acting for run `runId`. */
export type Sampler = (runId: string, params: CreateMessageRequest["params"], options: { signal: AbortSignal; timeout: number }) => Promise<CreateMessageResult>;

export const DEFAULT_MAX_TOKENS = 2000;

export function createSamplingExecutor(sample: Sampler, pool: OfflinePool, defaultMaxTokens = DEFAULT_MAX_TOKENS): Executor {
  return {
    name: "sampling",
    async runBranch(work: BranchWork): Promise<BranchOutcome> {
      const maxTokens = positiveInt(work.agent.parameters.max_tokens) ?? defaultMaxTokens;
      const sources = await promptSources(work, pool);
      const result = await sample(work.run_id, {
        systemPrompt: systemPrompt(work.agent),
        messages: [{ role: "user", content: { type: "text", text: userPrompt({ ...work, inputs: sources.inputs }) } }],
        maxTokens,
        temperature: 0.2,
        includeContext: "none",
        modelPreferences: { intelligencePriority: 0.7, speedPriority: 0.3, costPriority: 0.3 },
        metadata: { run_id: work.run_id, branch_id: work.branch_id, agent_id: work.agent.agent_id },
      }, { signal: work.signal, timeout: work.timeout_seconds * 1000 });
      const text = replyText(result);
      const parsed = parseModelAnswer(text);
      const scored = scoreAnswer(parsed, sources.inputs, `model:${result.model}`); // checked against what the model saw
      return {
        findings: scored.findings,
        quality: scored.quality,
        notes: [
          `answered by ${result.model} (stop: ${result.stopReason ?? "unknown"}), ${maxTokens} tokens allowed`,
          `${scored.backed} of ${scored.findings.length} findings backed by the inputs; stated confidence ${parsed.confidence ?? "none"}`,
          sources.note,
        ],
      };
    },
  };
}

/** The text of a sampling reply (a single block or a list of blocks). */
export function replyText(result: CreateMessageResult): string {
  const blocks = Array.isArray(result.content) ? result.content : [result.content];
  const texts = blocks.filter((b): b is { type: "text"; text: string } => b.type === "text").map((b) => b.text);
  if (texts.length === 0) throw new MalformedAnswerError(`the reply has no text (got ${blocks.map((b) => b.type).join(", ")})`);
  return texts.join("\n");
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}
