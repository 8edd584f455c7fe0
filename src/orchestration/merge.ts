/**
 * Quality-weighted merging (pure). Weight of a branch = 0.7 x quality + 0.3 x time factor, with
 * time factor = 1 / (1 + seconds / 60). Source attribution = weight / total weight over every merged
 * branch (research and analysis together), so it sums to 1. Findings are ranked by branch weight x
 * finding score; the best distinct ones are primary, the rest supporting evidence.
 */
import type { BranchFindings } from "../domain/finding.js";
import type { MergedFinding, MergeResult, TypeMerge } from "../domain/merge-result.js";
import type { BranchResult } from "../domain/branch-result.js";

/** A settled branch with what it found. */
export type MergeInput = BranchResult & BranchFindings;
import { round4 } from "./task-analysis.js";

export const QUALITY_WEIGHT = 0.7;
export const TIME_WEIGHT = 0.3;
export const PRIMARY_FINDINGS = 5;
export const SUPPORTING_FINDINGS = 20;


export function timeFactor(seconds: number): number {
  return 1 / (1 + Math.max(0, seconds) / 60);
}

export function branchWeight(quality: number, seconds: number): number {
  return QUALITY_WEIGHT * quality + TIME_WEIGHT * timeFactor(seconds);
}

/** Merges the settled results of the dispatched branches. */
export function mergeBranches(results: MergeInput[], partial: boolean): MergeResult {
  const ok = results.filter((r) => r.status === "success");
  const weights = Object.fromEntries(ok.map((r) => [r.branch_id, branchWeight(r.performance.data_quality_score, r.performance.execution_time)]));
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  const attribution = Object.fromEntries(ok.map((r) => [r.branch_id, total > 0 ? weights[r.branch_id]! / total : 1 / ok.length]));
  const overall = total > 0 ? ok.reduce((s, r) => s + weights[r.branch_id]! * r.performance.data_quality_score, 0) / total : 0;
  const successRate = results.length === 0 ? 0 : ok.length / results.length;
  return {
    research: mergeType(ok.filter((r) => r.type === "research"), weights),
    analysis: mergeType(ok.filter((r) => r.type === "analysis"), weights),
    source_attribution: attribution,
    branch_weights: Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, round4(v)])),
    overall_quality: round4(overall),
    quality_confidence_interval: qualityInterval(ok.map((r) => r.performance.data_quality_score), overall),
    integration_confidence: round4(overall * successRate),
    success_rate: round4(successRate),
    successful_branches: ok.length,
    failed_branches: results.filter((r) => r.status !== "success").map((r) => ({ branch_id: r.branch_id, error: r.error ?? r.status })),
    partial: partial || ok.length < results.length,
  };
}

function mergeType(results: MergeInput[], weights: Record<string, number>): TypeMerge {
  const best = new Map<string, MergedFinding>();
  for (const r of [...results].sort((a, b) => a.branch_id.localeCompare(b.branch_id))) {
    for (const f of r.findings) {
      const key = f.text.toLowerCase().replace(/\s+/g, " ").trim();
      const candidate = { text: f.text, source: f.source, branch_id: r.branch_id, weight: round4(weights[r.branch_id]! * f.score) };
      const seen = best.get(key);
      if (!seen || candidate.weight > seen.weight) best.set(key, candidate);
    }
  }
  const ranked = [...best.values()].sort((a, b) => b.weight - a.weight);
  const total = results.reduce((s, r) => s + weights[r.branch_id]!, 0);
  const quality = total > 0 ? results.reduce((s, r) => s + weights[r.branch_id]! * r.performance.data_quality_score, 0) / total : 0;
  return {
    branches: results.map((r) => r.branch_id),
    primary_findings: ranked.slice(0, PRIMARY_FINDINGS),
    supporting_evidence: ranked.slice(PRIMARY_FINDINGS, PRIMARY_FINDINGS + SUPPORTING_FINDINGS),
    quality_score: round4(quality),
    statistics: results.flatMap((r) => r.statistics ?? []),
  };
}

/** A 95% normal interval around the weighted mean quality, clamped to 0..1. */
function qualityInterval(qualities: number[], mean: number): [number, number] {
  if (qualities.length < 2) return [round4(mean), round4(mean)];
  const plain = qualities.reduce((a, b) => a + b, 0) / qualities.length;
  const sd = Math.sqrt(qualities.reduce((s, q) => s + (q - plain) ** 2, 0) / (qualities.length - 1));
  const half = (1.96 * sd) / Math.sqrt(qualities.length);
  return [round4(Math.max(0, mean - half)), round4(Math.min(1, mean + half))];
}
