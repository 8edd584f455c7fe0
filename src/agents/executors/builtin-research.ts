/**
 * The builtin research branch: rank every sentence of the inputs against the task's terms with
 * BM25 and keep the best as findings. Offline and deterministic; it never invents content, so a
 * branch without matching evidence reports no findings and a near-zero quality.
 */
import type { Finding } from "../../domain/finding.js";
import type { Task } from "../../domain/task.js";
import { rankBm25 } from "../text/bm25.js";
import { splitSentences } from "../text/sentences.js";
import { tokenize } from "../text/tokenize.js";
import type { BranchOutcome, LoadedInput, OfflineWork } from "./types.js";

export const DEFAULT_MAX_FINDINGS = 8;
/** The quality reported when there is no evidence at all. */
export const NO_EVIDENCE_QUALITY = 0.05;

/** Extra query words per research focus. */
export const FOCUS_SYNONYMS: Readonly<Record<NonNullable<Task["focus"]>, readonly string[]>> = {
  technical: ["architecture", "performance", "implementation", "technology", "engineering"],
  market: ["market", "revenue", "customers", "pricing", "growth", "demand"],
  competitive: ["competitor", "competition", "rival", "share", "advantage", "positioning"],
};

export interface ResearchOptions {
  /** How many findings to keep at most; default 8. */
  maxFindings?: number;
}

export interface TaskQuery {
  /** All ranking terms, deduplicated, in first-seen order. */
  terms: string[];
  /** The distinct terms of the description alone (coverage is measured on these). */
  descriptionTerms: string[];
}

/** The ranking query of a task: description, optionally focus and its synonyms, reviewer feedback. */
export function taskQuery(task: Task, includeFocus = true): TaskQuery {
  const descriptionTerms = [...new Set(tokenize(task.description))];
  const words: string[] = [...descriptionTerms];
  if (includeFocus && task.focus !== undefined) {
    words.push(...tokenize(task.focus), ...tokenize(FOCUS_SYNONYMS[task.focus].join(" ")));
  }
  for (const feedback of task.feedback ?? []) words.push(...tokenize(feedback));
  return { terms: [...new Set(words)], descriptionTerms };
}

/**
 * Ranks all sentences of all inputs (one BM25 corpus) and returns the best `maxFindings` with a
 * positive score, identical sentences once, scores normalized by the top score (4 decimals).
 * Ties keep input order, then sentence order.
 */
export function rankSentenceFindings(inputs: readonly LoadedInput[], terms: readonly string[], maxFindings: number): Finding[] {
  const sentences: SourcedSentence[] = [];
  for (const input of inputs) {
    for (const text of splitSentences(input.text)) sentences.push({ text, source: input.name });
  }
  return rankSentences(sentences, terms, maxFindings);
}

export interface SourcedSentence {
  text: string;
  source: string;
}

/** `rankSentenceFindings` on sentences already split. */
export function rankSentences(sentences: readonly SourcedSentence[], terms: readonly string[], maxFindings: number): Finding[] {
  const scores = rankBm25(sentences.map((s) => tokenize(s.text)), [...terms]);
  const order = scores
    .map((score, index) => ({ score, index }))
    .filter((entry) => entry.score > 0)
    .sort((x, y) => y.score - x.score || x.index - y.index);

  const limit = Math.max(0, Math.floor(maxFindings));
  const seen = new Set<string>();
  const kept: { text: string; source: string; raw: number }[] = [];
  for (const { score, index } of order) {
    if (kept.length >= limit) break;
    const sentence = sentences[index];
    if (sentence === undefined || seen.has(sentence.text)) continue;
    seen.add(sentence.text);
    kept.push({ ...sentence, raw: score });
  }
  const top = kept[0]?.raw ?? 1;
  return kept.map((k) => ({ text: k.text, source: k.source, score: round(k.raw / top, 4) }));
}

/** Share of the distinct terms that occur in at least one finding (0 when there are no terms). */
export function termCoverage(terms: readonly string[], findings: readonly Finding[]): number {
  const distinct = new Set(terms);
  if (distinct.size === 0) return 0;
  const found = new Set<string>();
  for (const finding of findings) for (const token of tokenize(finding.text)) found.add(token);
  let covered = 0;
  for (const term of distinct) if (found.has(term)) covered++;
  return covered / distinct.size;
}

/** The research branch's work: evidence sentences, best first, and an evidence-based quality. */
export function researchFindings(work: OfflineWork, opts: ResearchOptions = {}): BranchOutcome {
  const maxFindings = opts.maxFindings ?? DEFAULT_MAX_FINDINGS;
  if (work.inputs.length === 0) {
    return { findings: [], quality: NO_EVIDENCE_QUALITY, notes: ["no inputs: nothing to rank, no findings reported"] };
  }
  const query = taskQuery(work.task);
  if (query.terms.length === 0) {
    return { findings: [], quality: NO_EVIDENCE_QUALITY, notes: ["no sentence matched the task terms: the task has no searchable terms"] };
  }
  const findings = rankSentenceFindings(work.inputs, query.terms, maxFindings);
  if (findings.length === 0) {
    return {
      findings: [],
      quality: NO_EVIDENCE_QUALITY,
      notes: [`no sentence matched the task terms (${query.terms.length} terms searched in ${work.inputs.length} input(s))`],
    };
  }

  const coverage = termCoverage(query.descriptionTerms, findings);
  const sources = new Set(findings.map((f) => f.source)).size;
  const quality = round(0.5 * coverage + 0.3 * Math.min(1, findings.length / 5) + 0.2 * Math.min(1, sources / 2), 4);
  const notes = [
    `ranked the sentences of ${work.inputs.length} input(s) with BM25 against ${query.terms.length} terms` +
      (work.task.focus !== undefined ? ` (focus: ${work.task.focus})` : "") +
      ((work.task.feedback?.length ?? 0) > 0 ? ", including reviewer feedback" : ""),
    `coverage ${round(coverage, 4)} of ${query.descriptionTerms.length} description terms, ` +
      `${findings.length} finding(s) from ${sources} source(s)`,
    `quality = 0.5 x coverage + 0.3 x min(1, findings/5) + 0.2 x min(1, sources/2) = ${quality}`,
  ];
  return { findings, quality, notes };
}

/** Rounds to `decimals` places; non-finite values and -0 are normalized. */
export function round(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** decimals;
  const scaled = value * factor;
  if (!Number.isFinite(scaled)) return value;
  const rounded = Math.round(scaled) / factor;
  return rounded === 0 ? 0 : rounded;
}
