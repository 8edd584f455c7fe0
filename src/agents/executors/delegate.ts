/**
 * The delegate executor: the branch pauses with a `branch_work` interrupt whose payload is a work order
 * (the agent's specification, the prompt it would have used, the expected answer's JSON schema). The
 * calling assistant does the work and answers with approve_interrupt and branch_results; the answer is
 * scored like a model's (stated confidence and evidence checks against the inputs).
 */
import { interrupt } from "@langchain/langgraph";
import type { OfflinePool } from "../offthread/worker-pool.js";
import { ANSWER_SCHEMA, normalizeAnswer, scoreAnswer, systemPrompt, userPrompt } from "./model-answer.js";
import { promptSources } from "./prompt-sources.js";
import type { BranchOutcome, BranchWork, Executor } from "./types.js";

export interface WorkOrder {
  point: "branch_work";
  summary: string;
  options: string[];
  branch_id: string;
  task: BranchWork["task"];
  agent: BranchWork["agent"];
  prompt: { system: string; user: string };
  expected_answer: typeof ANSWER_SCHEMA;
  /** How much of the inputs the prompt carries (big inputs are reduced to their most relevant passages). */
  sources_sent: { chars: number; of_chars: number };
  [key: string]: unknown;
}

export function createDelegateExecutor(pool: OfflinePool): Executor {
  return {
    name: "delegate",
    async runBranch(work: BranchWork): Promise<BranchOutcome> {
      // Deterministic, so the node's re-run on resume computes the same sources the work order showed.
      const sources = await promptSources(work, pool);
      const answer = interrupt<WorkOrder, unknown>({
        point: "branch_work",
        summary: `Branch ${work.branch_id} (${work.task.type}${work.task.focus ? `, ${work.task.focus}` : ""}) needs its work done: ${work.task.description}. ` +
          `Follow prompt.system and prompt.user, then answer with approve_interrupt { run_id, decision: "approve", branch_results: [{ branch_id: "${work.branch_id}", findings, confidence }] }.`,
        options: ["branch_results"],
        branch_id: work.branch_id,
        task: { ...work.task, inputs: work.task.inputs },
        agent: work.agent,
        prompt: { system: systemPrompt(work.agent), user: userPrompt({ ...work, inputs: sources.inputs }) },
        expected_answer: ANSWER_SCHEMA,
        sources_sent: { chars: sources.sent_chars, of_chars: sources.total_chars },
      });
      const scored = scoreAnswer(normalizeAnswer(answer), sources.inputs, `agent:${work.agent.agent_id}`);
      return {
        findings: scored.findings,
        quality: scored.quality,
        notes: [`answered by the calling assistant; ${scored.backed} of ${scored.findings.length} findings backed by the inputs`, sources.note],
      };
    },
  };
}
