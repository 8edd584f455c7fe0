/** What quality-weighted merging makes of the settled branches: the report and the quality gate read it. */
import type { ColumnStatistics } from "./finding.js";

export interface MergedFinding {
  text: string;
  source: string;
  branch_id: string;
  weight: number;
}

export interface TypeMerge {
  branches: string[];
  primary_findings: MergedFinding[];
  supporting_evidence: MergedFinding[];
  quality_score: number;
  statistics: ColumnStatistics[];
}

export interface MergeResult {
  research: TypeMerge;
  analysis: TypeMerge;
  source_attribution: Record<string, number>;
  branch_weights: Record<string, number>;
  overall_quality: number;
  quality_confidence_interval: [number, number];
  integration_confidence: number;
  success_rate: number;
  successful_branches: number;
  failed_branches: Array<{ branch_id: string; error: string }>;
  partial: boolean;
}
