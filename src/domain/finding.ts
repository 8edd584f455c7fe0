/**
 * What a branch finds: pieces of evidence with their source and relevance, and the statistics of its inputs.
 */
import { z } from "zod";

/** A finding: one piece of evidence, where it came from, and how relevant it is (0..1). */
export const FindingSchema = z.object({
  text: z.string(),
  source: z.string(),
  score: z.number(),
});
export type Finding = z.infer<typeof FindingSchema>;

/** Descriptive statistics of one numeric column (analysis branches). */
export interface ColumnStatistics {
  source: string;
  column: string;
  count: number;
  mean: number;
  std_dev: number;
  min: number;
  max: number;
  confidence_level: number;
  confidence_interval: [number, number];
}

/** Text statistics of one non-tabular input (analysis branches). */
export interface TextStatistics {
  source: string;
  characters: number;
  words: number;
  sentences: number;
  unique_words: number;
  mean_sentence_words: number;
}

/** Everything one branch attempt found (kept in the branch result store, not in the graph state). */
export interface BranchFindings {
  findings: Finding[];
  statistics?: ColumnStatistics[];
  text_statistics?: TextStatistics[];
  notes?: string[];
}
