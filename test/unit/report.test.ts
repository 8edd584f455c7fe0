import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeReport } from "../../src/agents/executors/builtin-report.js";
import type { MergeResult, MergedFinding, TypeMerge } from "../../src/domain/merge-result.js";
import type { ColumnStatistics } from "../../src/domain/finding.js";
import type { Task } from "../../src/domain/task.js";

const finding = (text: string, source: string, branch_id: string, weight = 0.5): MergedFinding => ({ text, source, branch_id, weight });
const typeMerge = (overrides: Partial<TypeMerge> = {}): TypeMerge =>
  ({ branches: [], primary_findings: [], supporting_evidence: [], quality_score: 0.8, statistics: [], ...overrides });
const stat: ColumnStatistics = {
  source: "sales.csv", column: "revenue", count: 12, mean: 104.5, std_dev: 9.2, min: 88, max: 121,
  confidence_level: 0.95, confidence_interval: [98.65, 110.35],
};
function merge(overrides: Partial<MergeResult> = {}): MergeResult {
  return {
    research: typeMerge({
      branches: ["t1", "t2"],
      primary_findings: [finding("Prices rose 12% in 2023.", "market.txt", "t1", 0.9), finding("Rivals cut   costs\nsharply.", "rivals.md", "t2", 0.7)],
      supporting_evidence: [finding("Demand is seasonal.", "market.txt", "t1", 0.2)],
    }),
    analysis: typeMerge({
      branches: ["t3"], statistics: [stat],
      primary_findings: [finding("revenue (n=12): mean 104.5", "sales.csv", "t3"), finding("Sales peak in Q4.", "sales.csv", "t3")],
    }),
    source_attribution: { t3: 0.2, t1: 0.5, t2: 0.3 },
    branch_weights: { t1: 0.9, t2: 0.54, t3: 0.36 },
    overall_quality: 0.8123,
    quality_confidence_interval: [0.7, 0.9],
    integration_confidence: 0.65,
    success_rate: 0.75,
    successful_branches: 3,
    failed_branches: [{ branch_id: "t4", error: "timed out after 60 s" }],
    partial: true,
    ...overrides,
  };
}
const tasks: Task[] = [
  { id: "t1", type: "research", description: "Market prices", priority: "normal", depends_on: [], inputs: [] },
  { id: "t2", type: "research", description: "Competitor\nmoves", priority: "normal", depends_on: [], inputs: [] },
  { id: "t3", type: "analysis", description: "Sales figures", priority: "high", depends_on: [], inputs: [] },
  { id: "t4", type: "research", description: "Regulation", priority: "low", depends_on: [], inputs: [] },
];
const report = (overrides: Partial<MergeResult> = {}, extra: { failure?: string; revisions?: number } = {}) =>
  writeReport({ objective: "Assess the  widget\nmarket", tasks, merge: merge(overrides), revisions: extra.revisions ?? 0, ...(extra.failure ? { failure: extra.failure } : {}) });

describe("writeReport", () => {
  test("heading carries the objective on one line", () => {
    assert.ok(report().startsWith("# Report: Assess the widget market\n"));
  });

  test("summary line: quality, interval, confidence, branch counts, partial, revisions", () => {
    const text = report({}, { revisions: 2 });
    assert.ok(text.includes("Quality 81.2% (95% interval 70%–90%), integration confidence 65%, 3 of 4 branches succeeded, after 2 revision round(s) (partial result)."));
    assert.ok(!report({ partial: false }).includes("partial result"));
  });

  test("every primary finding appears with its source and branch", () => {
    const text = report();
    assert.ok(text.includes("## Research findings"));
    assert.ok(text.includes("- Prices rose 12% in 2023. — *market.txt* (t1)"));
    assert.ok(text.includes("- Rivals cut costs sharply. — *rivals.md* (t2)"));
    assert.ok(text.includes("## Supporting evidence\n\n- Demand is seasonal. — *market.txt* (t1)"));
    assert.ok(text.includes("## Analysis findings\n\n- Sales peak in Q4. — *sales.csv* (t3)"));
  });

  test("the statistics table when present, and statistic findings not repeated", () => {
    const text = report();
    assert.ok(text.includes("## Analysis figures"));
    assert.ok(text.includes("| source | column | n | mean | sd | min | max | CI |"));
    assert.ok(text.includes("| sales.csv | revenue | 12 | 104.5 | 9.2 | 88 | 121 | 95%: [98.65, 110.35] |"));
    assert.ok(!text.includes("revenue (n=12)"));
    const none = report({ analysis: typeMerge({ primary_findings: [finding("revenue (n=12): mean 104.5", "sales.csv", "t3")] }) });
    assert.ok(!none.includes("## Analysis figures"));
    assert.ok(none.includes("- revenue (n=12): mean 104.5 — *sales.csv* (t3)"));
  });

  test("the failed branches section names the task and the error", () => {
    assert.ok(report().includes("## What failed\n\n- t4 (Regulation): timed out after 60 s"));
    assert.ok(!report({ failed_branches: [] }).includes("## What failed"));
  });

  test("attribution shares, largest first, with task labels", () => {
    const text = report();
    const table = text.slice(text.indexOf("## Source attribution"));
    assert.ok(table.includes("| branch | task | share |"));
    const rows = table.split("\n").filter((l) => /^\| t\d/.test(l));
    assert.deepEqual(rows, ["| t1 | Market prices | 50% |", "| t2 | Competitor moves | 30% |", "| t3 | Sales figures | 20% |"]);
    assert.ok(text.endsWith("| t3 | Sales figures | 20% |\n"));
  });

  test("a failure produces the Incomplete report heading and says why", () => {
    const text = report({}, { failure: "quality 0.41 < threshold 0.7 after 2 revision(s)" });
    assert.ok(text.startsWith("# Incomplete report: Assess the widget market\n"));
    assert.ok(text.includes("**The run failed:** quality 0.41 < threshold 0.7 after 2 revision(s). What the branches found so far is below."));
    assert.ok(text.includes("- Prices rose 12% in 2023. — *market.txt* (t1)"));
    assert.ok(!report().includes("The run failed"));
  });

  test("empty sections are left out", () => {
    const text = report({ research: typeMerge(), analysis: typeMerge(), failed_branches: [], source_attribution: {} });
    assert.ok(!text.includes("## Research findings"));
    assert.ok(!text.includes("## Supporting evidence"));
    assert.ok(!text.includes("## Analysis findings"));
    assert.ok(text.includes("## Source attribution"));
  });
});
