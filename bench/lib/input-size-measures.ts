/**
 * What the input-size benchmark (bench/input-size.ts) times on each kind of input: the measures, their labels and
 * order, which of them need the text's sentences, and how many timed runs a size gets.
 */
import type { InputKind } from "./text-corpus.js";

/** MB = 10^6 bytes (the inputs are ASCII: bytes = characters). */
export const MB = 1e6;

export const mbLabel = (mb: number) => `${Number(mb.toFixed(3))} MB`;

export type Measure = "split" | "tokenize" | "bm25" | "research" | "analysis";

export const MEASURE_LABELS: Readonly<Record<Measure, string>> = {
  split: "sentence splitting",
  tokenize: "tokenizing",
  bm25: "BM25 ranking",
  research: "research branch",
  analysis: "analysis branch",
};

/**
 * Whether a measure splits the text into sentences (BM25 ranks the sentences; a branch splits a text input, not a
 * table): once splitting is over the limit, so is it, or it cannot run.
 */
export function usesSplitting(kind: InputKind, measure: Measure): boolean {
  return measure === "bm25" || measure === "research" || (measure === "analysis" && kind !== "csv");
}

/** The order measures run in at one size: BM25 right after splitting, whose sentences it ranks. */
export const runOrder = (m: Measure) => ["split", "bm25", "tokenize", "research", "analysis"].indexOf(m);

/** The measures of a kind, in table order. */
export function measuresOf(kind: InputKind): Measure[] {
  return kind === "csv" ? ["split", "tokenize", "bm25", "analysis"] : ["split", "tokenize", "bm25", "research", "analysis"];
}

/** Timed runs per size: the median of a few at small sizes, one or two at large ones. */
export function repeatsFor(mb: number): number {
  return mb <= 0.5 ? 5 : mb <= 1.5 ? 3 : 2;
}

/** No further repeat once a measure's runs at one size have taken this long together. */
export const REPEAT_BUDGET_MS = 2_000;
