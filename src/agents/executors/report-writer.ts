/**
 * The final integrator's synthesis agent. With the sampling executor the client's model writes the report
 * from the merged findings and figures; the computed source attribution is appended, since it is a figure,
 * not prose. Otherwise, or when the model fails, the builtin report is used (saying why).
 */
import { writeReport, type ReportInput } from "../../orchestration/report.js";
import { BUILTIN_TEMPLATES } from "../builtin-templates.js";
import type { Sampler } from "./sampling.js";
import { replyText } from "./sampling.js";
import type { RunExecutor } from "./types.js";

export const REPORT_TIMEOUT_SECONDS = 300;
export const REPORT_MAX_TOKENS = 4000;

export type ReportWriter = (runId: string, input: ReportInput, executor: RunExecutor) => Promise<string>;

export function createReportWriter(sample: Sampler): ReportWriter {
  const synthesis = BUILTIN_TEMPLATES.find((t) => t.agent_type === "synthesis_specialist")!;
  return async (runId, input, executor) => {
    const computed = writeReport(input);
    if (executor !== "sampling" || input.failure) return computed;
    const attribution = computed.slice(computed.indexOf("## Source attribution"));
    try {
      const result = await sample(runId, {
        systemPrompt: `You are synthesis_specialist. ${synthesis.instructions} Write Markdown. Cite each finding's source in italics, e.g. *market.md*. Do not add facts that are not in the findings.`,
        messages: [{ role: "user", content: { type: "text", text: synthesisPrompt(input) } }],
        maxTokens: REPORT_MAX_TOKENS,
        temperature: 0.2,
        includeContext: "none",
      }, { signal: AbortSignal.timeout(REPORT_TIMEOUT_SECONDS * 1000), timeout: REPORT_TIMEOUT_SECONDS * 1000 });
      return `${replyText(result).trim()}\n\n${attribution}`;
    } catch (error) {
      return `${computed}\n_The synthesis agent's model could not write this report (${(error as Error).message}); it was assembled from the merged results instead._\n`;
    }
  };
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
