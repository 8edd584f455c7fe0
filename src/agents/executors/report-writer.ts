/**
 * The final integrator's synthesis agent. With the sampling executor the client's model writes the report
 * from the merged findings and figures; the computed source attribution is appended, since it is a figure,
 * not prose. Otherwise, or when the model fails, the builtin report is used (saying why).
 */
import { writeReport, type ReportInput } from "./builtin-report.js";
import { BUILTIN_TEMPLATES } from "../builtin-templates.js";
import type { Sampler } from "./sampling.js";
import { replyText } from "./sampling.js";
import type { RunBudget } from "../models/budget.js";
import type { ModelCaller } from "../models/model-caller.js";
import type { CallUsage } from "../../domain/usage.js";
import type { ModelName } from "../../domain/model-name.js";
import type { RunExecutor } from "./types.js";

export const REPORT_TIMEOUT_SECONDS = 300;
export const REPORT_MAX_TOKENS = 4000;

export type ReportWriter = (runId: string, input: ReportInput, run: ReportRun) => Promise<string>;

/** The run fields the writer needs (the orchestration's ReportRun). */
export interface ReportRun {
  executor: RunExecutor;
  model?: string;
  budget?: RunBudget;
}

export interface ReportWriterDeps {
  sample: Sampler;
  /** The model executor's caller and the run's model; absent when no model is configured. */
  model?: { call: ModelCaller; resolve(run: ReportRun): ModelName };
  /** What the run's model calls cost so far (for the report's footer). */
  usageOf?(runId: string): Promise<CallUsage>;
}

const SYSTEM = `You are synthesis_specialist. ${BUILTIN_TEMPLATES.find((t) => t.agent_type === "synthesis_specialist")!.instructions} ` +
  "Write Markdown. Cite each finding's source in italics, e.g. *market.md*. Do not add facts that are not in the findings.";

export function createReportWriter(deps: ReportWriterDeps): ReportWriter {
  return async (runId, input, run) => {
    const computed = writeReport(input);
    const modelRun = run.executor === "model" && deps.model !== undefined;
    if ((run.executor !== "sampling" && !modelRun) || input.failure) return withFooter(computed, run, runId, deps);
    const attribution = computed.slice(computed.indexOf("## Source attribution"));
    try {
      let text: string;
      if (modelRun) {
        const reply = await deps.model!.call({
          run_id: runId, call_key: `report:${input.revisions}`, model: deps.model!.resolve(run), system: SYSTEM, user: synthesisPrompt(input),
          schema: undefined, max_output_tokens: REPORT_MAX_TOKENS, budget: run.budget ?? {},
          signal: AbortSignal.timeout(REPORT_TIMEOUT_SECONDS * 1000), deadline: Date.now() + REPORT_TIMEOUT_SECONDS * 1000,
        });
        text = reply.value;
      } else {
        const result = await deps.sample(runId, {
          systemPrompt: SYSTEM,
          messages: [{ role: "user", content: { type: "text", text: synthesisPrompt(input) } }],
          maxTokens: REPORT_MAX_TOKENS,
          temperature: 0.2,
          includeContext: "none",
        }, { signal: AbortSignal.timeout(REPORT_TIMEOUT_SECONDS * 1000), timeout: REPORT_TIMEOUT_SECONDS * 1000 });
        text = replyText(result);
      }
      return withFooter(`${text.trim()}\n\n${attribution}`, run, runId, deps);
    } catch (error) {
      return withFooter(`${computed}\n_The synthesis agent's model could not write this report (${(error as Error).message}); it was assembled from the merged results instead._\n`, run, runId, deps);
    }
  };
}

/** Model runs end with what their calls used (tokens, and cost where prices are known). */
async function withFooter(report: string, run: ReportRun, runId: string, deps: ReportWriterDeps): Promise<string> {
  if (run.executor !== "model" || !deps.usageOf) return report;
  const u = await deps.usageOf(runId);
  const cost = u.cost_usd > 0 ? `, $${u.cost_usd.toFixed(4)}` : "";
  return `${report.trimEnd()}\n\n---\n_Model usage: ${u.model_calls} call(s), ${u.input_tokens} input tokens (${u.cached_input_tokens} cached), ${u.output_tokens} output tokens${cost}._\n`;
}

function synthesisPrompt({ objective, merge, revisions }: ReportInput): string {
  const findings = [...merge.research.primary_findings, ...merge.research.supporting_evidence, ...merge.analysis.primary_findings]
    .map((f) => `- ${f.text} [source: ${f.source}; branch ${f.branch_id}; weight ${f.weight}]`);
  const stats = merge.analysis.statistics.map((s) => `- ${s.column} (${s.source}): n=${s.count}, mean=${s.mean}, sd=${s.std_dev}, min=${s.min}, max=${s.max}, ${s.confidence_level * 100}% CI [${s.confidence_interval.join(", ")}]`);
  return [
    `Objective: ${objective}`,
    `Merged findings, best first:\n${findings.join("\n") || "(none)"}`,
    stats.length ? `Analysis figures:\n${stats.join("\n")}` : "",
    merge.failed_branches.length ? `Failed branches:\n${merge.failed_branches.map((f) => `- ${f.branch_id}: ${f.error}`).join("\n")}` : "",
    `Overall quality ${merge.overall_quality}, integration confidence ${merge.integration_confidence}, ${revisions} revision round(s).`,
    "Write the report: a short answer to the objective, the findings with their sources, the figures, what failed, and how confident the result is.",
  ].filter((p) => p !== "").join("\n\n");
}
