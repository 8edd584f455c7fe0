/**
 * The builtin analysis branch: descriptive statistics with Student-t confidence intervals for the
 * numeric columns of CSV inputs, text statistics and the most relevant sentences for the others.
 * A malformed .csv input throws: a broken table fails the branch rather than being guessed at.
 */
import quantile from "@stdlib/stats-base-dists-t-quantile";
import { parse } from "csv-parse/sync";
import type { ColumnStatistics, Finding, TextStatistics } from "../../domain/finding.js";
import { splitSentences } from "../text/sentences.js";
import { tokenize, wordTokens } from "../text/tokenize.js";
import { NO_EVIDENCE_QUALITY, rankSentences, round, taskQuery, termCoverage } from "./builtin-research.js";
import type { BranchOutcome, LoadedInput, OfflineWork } from "./types.js";

export const DEFAULT_CONFIDENCE_LEVEL = 0.95;
/** The most statistics and findings one analysis branch reports (its quality counts them all). */
export const MAX_STATISTICS = 40;
export const MAX_ANALYSIS_FINDINGS = 20;
/** Top sentences reported per text input. */
const TEXT_SENTENCES = 3;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/u;

/** The analysis branch's work: statistics, findings best first, an evidence-based quality. */
export function analyzeInputs(work: OfflineWork): BranchOutcome {
  if (work.inputs.length === 0) {
    return { findings: [], quality: NO_EVIDENCE_QUALITY, notes: ["no inputs: nothing to analyze, no findings reported"] };
  }
  const notes: string[] = [];
  const level = confidenceLevel(work.agent.parameters["confidence_level"], notes);
  const query = taskQuery(work.task, false);
  const statistics: ColumnStatistics[] = [];
  const textStatistics: TextStatistics[] = [];
  const findings: Finding[] = [];
  const sentenceFindings: Finding[] = [];
  let numericRows = 0;

  for (const input of work.inputs) {
    const named = /\.csv$/iu.test(input.name);
    const table = named || looksLikeCsv(input.text) ? readTable(input, named) : undefined;
    if (table === undefined && !named && looksLikeCsv(input.text)) {
      notes.push(`${input.name}: looked like CSV but did not parse; analyzed as text`);
    }
    if (table !== undefined) {
      const columns = numericColumns(table.columns, table.records);
      if (columns.length > 0 || named) {
        notes.push(`${input.name}: table, ${table.records.length} row(s), ${table.columns.length} column(s), ` +
          `${columns.length} numeric${columns.length > 0 ? ` (${columns.map((c) => c.name).join(", ")})` : ""}`);
        if (columns.length > 0) numericRows += table.records.length;
        for (const column of columns) {
          const stats = describe(input.name, column.name, column.values, level);
          statistics.push(stats);
          findings.push({ text: formatColumn(stats), source: input.name, score: 1 });
        }
        continue;
      }
      notes.push(`${input.name}: looked like CSV but has no numeric column; analyzed as text`);
    }
    const sentences = splitSentences(input.text);
    const stats = textStats(input, sentences);
    textStatistics.push(stats);
    findings.push({ text: formatText(stats), source: input.name, score: 1 });
    const top = rankSentences(sentences.map((text) => ({ text, source: input.name })), query.terms, TEXT_SENTENCES);
    sentenceFindings.push(...top);
    findings.push(...top);
    notes.push(`${input.name}: text, ${stats.sentences} sentence(s), ${top.length} matched the task description`);
  }

  // Stable: equal scores keep input order, and within an input the summary leads.
  findings.sort((x, y) => y.score - x.score);
  let quality: number;
  if (statistics.length > 0) {
    quality = 0.6 + 0.2 * Math.min(1, numericRows / 30) + 0.2 * Math.min(1, statistics.length / 3);
    notes.push(`quality = 0.6 + 0.2 x min(1, ${numericRows} rows/30) + 0.2 x min(1, ${statistics.length} numeric columns/3)`);
  } else if (textStatistics.length > 0) {
    const coverage = termCoverage(query.descriptionTerms, sentenceFindings);
    quality = 0.3 + 0.3 * coverage + 0.1 * Math.min(1, textStatistics.length / 2);
    notes.push(`quality = 0.3 + 0.3 x coverage ${round(coverage, 4)} + 0.1 x min(1, ${textStatistics.length} text inputs/2)`);
  } else {
    quality = NO_EVIDENCE_QUALITY;
    notes.push("no numeric column and no text input: no findings reported");
  }
  // A branch's result stays small whatever the inputs (a table of 10,000 numeric columns, 100 text inputs).
  if (statistics.length > MAX_STATISTICS) notes.push(`${statistics.length} numeric columns; the first ${MAX_STATISTICS} are reported`);
  if (findings.length > MAX_ANALYSIS_FINDINGS) notes.push(`${findings.length} findings; the best ${MAX_ANALYSIS_FINDINGS} are reported`);
  const outcome: BranchOutcome = { findings: findings.slice(0, MAX_ANALYSIS_FINDINGS), quality: round(quality, 4), notes };
  if (statistics.length > 0) outcome.statistics = statistics.slice(0, MAX_STATISTICS);
  if (textStatistics.length > 0) outcome.text_statistics = textStatistics;
  return outcome;
}

/** A first line with 2+ comma-separated fields, and at least two lines with that many fields. */
export function looksLikeCsv(text: string): boolean {
  const lines = text.split(/\r\n|\r|\n/u).filter((line) => line.trim() !== "");
  const first = lines[0];
  if (first === undefined) return false;
  const fields = first.split(",").length;
  if (fields < 2) return false;
  return lines.filter((line) => line.split(",").length === fields).length >= 2;
}

interface Table {
  columns: string[];
  records: Record<string, string>[];
}

/** Parses a table; throws for a .csv input, returns undefined for a sniffed one that fails. */
function readTable(input: LoadedInput, strict: boolean): Table | undefined {
  let records: Record<string, string>[];
  try {
    records = parse(input.text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (error) {
    if (!strict) return undefined;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`input "${input.name}": CSV parse error: ${reason}`, { cause: error });
  }
  const first = records[0];
  return { columns: first === undefined ? [] : Object.keys(first), records };
}

/** Columns whose non-empty values are all plain finite numbers (at least one value). */
function numericColumns(columns: string[], records: Record<string, string>[]): { name: string; values: number[] }[] {
  const result: { name: string; values: number[] }[] = [];
  for (const name of columns) {
    const values: number[] = [];
    let numeric = true;
    for (const record of records) {
      const cell = (record[name] ?? "").trim();
      if (cell === "") continue;
      const value = Number(cell);
      if (!NUMBER.test(cell) || !Number.isFinite(value)) {
        numeric = false;
        break;
      }
      values.push(value);
    }
    if (numeric && values.length > 0) result.push({ name, values });
  }
  return result;
}

/** Count, mean, sample sd, range and the Student-t interval for the mean. */
export function describe(source: string, column: string, values: readonly number[], level: number): ColumnStatistics {
  const n = values.length;
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const variance = n > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1) : 0;
  const sd = Math.sqrt(variance);
  const half = n > 1 ? quantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n)) : 0;
  return {
    source,
    column,
    count: n,
    mean: round(mean, 4),
    std_dev: round(sd, 4),
    min: round(values.reduce((m, v) => Math.min(m, v), Infinity), 4),
    max: round(values.reduce((m, v) => Math.max(m, v), -Infinity), 4),
    confidence_level: level,
    confidence_interval: [round(mean - half, 4), round(mean + half, 4)],
  };
}

function confidenceLevel(value: unknown, notes: string[]): number {
  if (value === undefined) return DEFAULT_CONFIDENCE_LEVEL;
  if (typeof value === "number" && value > 0 && value < 1) return value;
  notes.push(`confidence_level ${JSON.stringify(value)} is not a number in (0, 1); used ${DEFAULT_CONFIDENCE_LEVEL}`);
  return DEFAULT_CONFIDENCE_LEVEL;
}

function textStats(input: LoadedInput, sentences: readonly string[]): TextStatistics {
  const sentenceWords = sentences.reduce((sum, s) => sum + wordTokens(s).length, 0);
  return {
    source: input.name,
    characters: codePoints(input.text),
    words: wordTokens(input.text).length,
    sentences: sentences.length,
    unique_words: new Set(tokenize(input.text)).size,
    mean_sentence_words: sentences.length > 0 ? round(sentenceWords / sentences.length, 2) : 0,
  };
}

function formatColumn(s: ColumnStatistics): string {
  const [low, high] = s.confidence_interval;
  return `${s.column} (${s.source}): n=${s.count}, mean=${s.mean}, sd=${s.std_dev}, min=${s.min}, max=${s.max}, ` +
    `${round(s.confidence_level * 100, 2)}% CI [${low}, ${high}]`;
}

function formatText(s: TextStatistics): string {
  return `${s.source}: ${s.characters} characters, ${s.words} words, ${s.sentences} sentences ` +
    `(mean ${s.mean_sentence_words} words per sentence), ${s.unique_words} distinct terms`;
}

/** The number of code points, without materializing them (Array.from on a 5 MB text takes 40 MB). */
function codePoints(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return text.length - pairs;
}
