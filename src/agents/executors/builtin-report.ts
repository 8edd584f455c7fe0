/**
 * The builtin synthesis (pure): a Markdown report from the merged results: findings with their sources,
 * analysis figures, what failed, quality and confidence, and source attribution.
 */
import type { MergeResult, MergedFinding } from "../../domain/merge-result.js";
import type { Task } from "../../domain/task.js";

export interface ReportInput {
  objective: string;
  tasks: Task[];
  merge: MergeResult;
  revisions: number;
  failure?: string;
}

/** Rows of the analysis table at most: the report stays readable (and small) whatever the tables were. */
export const MAX_REPORT_STATISTICS = 50;

export function writeReport({ objective, tasks, merge, revisions, failure }: ReportInput): string {
  const lines: string[] = [`# ${failure ? "Incomplete report" : "Report"}: ${oneLine(objective)}`, ""];
  if (failure) lines.push(`**The run failed:** ${failure}. What the branches found so far is below.`, "");
  lines.push(
    `Quality ${pct(merge.overall_quality)} (95% interval ${pct(merge.quality_confidence_interval[0])}–${pct(merge.quality_confidence_interval[1])}), ` +
      `integration confidence ${pct(merge.integration_confidence)}, ${merge.successful_branches} of ${merge.successful_branches + merge.failed_branches.length} branches succeeded` +
      (revisions > 0 ? `, after ${revisions} revision round(s)` : "") + (merge.partial ? " (partial result)" : "") + ".",
    "",
  );
  section(lines, "Research findings", merge.research.primary_findings);
  section(lines, "Supporting evidence", merge.research.supporting_evidence);
  if (merge.analysis.statistics.length > 0) {
    lines.push("## Analysis figures", "", "| source | column | n | mean | sd | min | max | CI |", "|---|---|---|---|---|---|---|---|");
    for (const s of merge.analysis.statistics.slice(0, MAX_REPORT_STATISTICS)) {
      lines.push(`| ${s.source} | ${s.column} | ${s.count} | ${s.mean} | ${s.std_dev} | ${s.min} | ${s.max} | ${pct(s.confidence_level)}: [${s.confidence_interval[0]}, ${s.confidence_interval[1]}] |`);
    }
    const more = merge.analysis.statistics.length - MAX_REPORT_STATISTICS;
    if (more > 0) lines.push("", `${more} more columns are in the branches' statistics (orchestrator://runs/{run_id}, completed_branches).`);
    lines.push("");
  }
  section(lines, "Analysis findings", [...merge.analysis.primary_findings, ...merge.analysis.supporting_evidence]
    .filter((f) => !merge.analysis.statistics.some((s) => f.text.startsWith(`${s.column} (`))));
  if (merge.failed_branches.length > 0) {
    lines.push("## What failed", "");
    for (const f of merge.failed_branches) lines.push(`- ${f.branch_id} (${taskLabel(tasks, f.branch_id)}): ${oneLine(f.error).slice(0, 300)}`);
    lines.push("");
  }
  lines.push("## Source attribution", "", "| branch | task | share |", "|---|---|---|");
  for (const [branch, share] of Object.entries(merge.source_attribution).sort((a, b) => b[1] - a[1])) {
    lines.push(`| ${branch} | ${taskLabel(tasks, branch)} | ${pct(share)} |`);
  }
  return lines.join("\n").trimEnd() + "\n";
}

function section(lines: string[], title: string, findings: MergedFinding[]): void {
  if (findings.length === 0) return;
  lines.push(`## ${title}`, "");
  for (const f of findings) lines.push(`- ${oneLine(f.text)} — *${f.source}* (${f.branch_id})`);
  lines.push("");
}

function taskLabel(tasks: Task[], branchId: string): string {
  const task = tasks.find((t) => t.id === branchId);
  return task ? oneLine(task.description).slice(0, 80) : branchId;
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
