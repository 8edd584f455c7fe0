/**
 * Inputs too large for a prompt, reduced to the passages most relevant to the task (pure): each input's sentences
 * are grouped into passages of about PASSAGE_CHARS, ranked with BM25 against the task's terms across all inputs,
 * and the best are kept until the budget is spent, in their documents' order, with "[…]" where text was left out.
 * A table (a .csv input) keeps its header and first rows instead, within an equal share of the budget: its rows
 * are not prose to rank. Inputs within the budget are returned as they are.
 */
import { rankBm25 } from "./bm25.js";
import { splitSentences } from "./sentences.js";
import { tokenize } from "./tokenize.js";

export const PASSAGE_CHARS = 800;
const GAP = "[…]";

export interface TextInput {
  name: string;
  text: string;
}

export interface ReducedInputs {
  inputs: TextInput[];
  /** Characters of the inputs as given, and as sent. */
  total_chars: number;
  sent_chars: number;
  /** Whether anything was left out. */
  reduced: boolean;
  /** Passages kept out of all passages (ranked inputs only). */
  passages_kept: number;
  passages_total: number;
}

export function reduceToPassages(inputs: readonly TextInput[], terms: readonly string[], maxChars: number): ReducedInputs {
  const total = inputs.reduce((sum, i) => sum + i.text.length, 0);
  if (total <= maxChars) {
    return { inputs: inputs.map((i) => ({ ...i })), total_chars: total, sent_chars: total, reduced: false, passages_kept: 0, passages_total: 0 };
  }
  const tables = inputs.filter(isTable);
  const share = Math.floor(maxChars / Math.max(1, inputs.length));
  const tableTexts = new Map(tables.map((t) => [t, tableHead(t.text, share)]));
  let budget = maxChars - [...tableTexts.values()].reduce((sum, t) => sum + t.length, 0);

  const passages: Array<{ input: number; position: number; text: string }> = [];
  const counts = inputs.map(() => 0);
  inputs.forEach((input, index) => {
    if (tableTexts.has(input)) return;
    for (const text of groupSentences(splitSentences(input.text))) passages.push({ input: index, position: counts[index]!++, text });
  });
  const scores = rankBm25(passages.map((p) => tokenize(p.text)), [...terms]);
  const order = passages.map((_, i) => i).sort((x, y) =>
    (scores[y] ?? 0) - (scores[x] ?? 0) || passages[x]!.position - passages[y]!.position || passages[x]!.input - passages[y]!.input);
  const kept = new Set<number>();
  for (const i of order) {
    const cost = passages[i]!.text.length + GAP.length + 2;
    if (cost > budget) continue;
    kept.add(i);
    budget -= cost;
  }

  const byInput = inputs.map((): Array<{ text: string; kept: boolean }> => []);
  passages.forEach((p, i) => byInput[p.input]!.push({ text: p.text, kept: kept.has(i) }));
  const reducedInputs = inputs.map((input, index) => {
    const table = tableTexts.get(input);
    return { name: input.name, text: table ?? joinKept(byInput[index]!, input.text.length) };
  });
  return {
    inputs: reducedInputs,
    total_chars: total,
    sent_chars: reducedInputs.reduce((sum, i) => sum + i.text.length, 0),
    reduced: true,
    passages_kept: kept.size,
    passages_total: passages.length,
  };
}

function isTable(input: TextInput): boolean {
  return /\.csv$/iu.test(input.name);
}

/** The header and as many first rows as fit in `chars`, with a marker for the rows left out. */
function tableHead(text: string, chars: number): string {
  const lines = text.split(/\r\n|\r|\n/u).filter((l) => l.trim() !== "");
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > chars - 80 && kept.length > 0) break;
    kept.push(line);
    used += line.length + 1;
  }
  const left = lines.length - kept.length;
  return left > 0 ? `${kept.join("\n")}\n${GAP} ${left} more of ${lines.length - 1} rows left out` : kept.join("\n");
}

/** Consecutive sentences joined into passages of about PASSAGE_CHARS (a longer sentence is a passage alone). */
function groupSentences(sentences: readonly string[]): string[] {
  const passages: string[] = [];
  let current = "";
  for (const sentence of sentences) {
    if (current !== "" && current.length + 1 + sentence.length > PASSAGE_CHARS) {
      passages.push(current);
      current = "";
    }
    current = current === "" ? sentence : `${current} ${sentence}`;
  }
  if (current !== "") passages.push(current);
  return passages;
}

/** The kept passages in order, "[…]" wherever passages were left out; a note when none was kept. */
function joinKept(passages: Array<{ text: string; kept: boolean }>, chars: number): string {
  if (!passages.some((p) => p.kept)) return `${GAP} nothing in its ${chars} characters matched the task`;
  const parts: string[] = [];
  let gap = false;
  for (const p of passages) {
    if (!p.kept) {
      gap = true;
      continue;
    }
    if (gap) parts.push(GAP);
    parts.push(p.text);
    gap = false;
  }
  if (gap) parts.push(GAP);
  return parts.join("\n");
}
