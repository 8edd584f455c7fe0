/**
 * The sources a model-backed branch sends (sampling, delegate work orders, the model executor): the inputs as they
 * are when they fit the prompt's share, else the passages most relevant to the task, chosen by the builtin ranker
 * on the offline pool (a worker thread for big inputs). The note says how much was sent, for the branch's notes.
 */
import type { OfflinePool } from "../offthread/worker-pool.js";
import { MAX_PROMPT_INPUT_CHARS } from "./model-answer.js";
import type { BranchWork, LoadedInput } from "./types.js";

export interface PromptSources {
  inputs: LoadedInput[];
  sent_chars: number;
  total_chars: number;
  note: string;
}

export async function promptSources(work: BranchWork, pool: OfflinePool, maxChars = MAX_PROMPT_INPUT_CHARS): Promise<PromptSources> {
  const total = work.inputs.reduce((sum, i) => sum + i.text.length, 0);
  if (total <= maxChars) return { inputs: work.inputs, sent_chars: total, total_chars: total, note: `sent the inputs whole: ${total} characters` };
  const reduced = await pool.run("relevantPassages", { task: work.task, inputs: work.inputs, maxChars }, work.signal);
  const note = `sent ${reduced.sent_chars} of the inputs' ${reduced.total_chars} characters ` +
      `(${percent(reduced.sent_chars / Math.max(1, reduced.total_chars))}): the ${reduced.passages_kept} of ${reduced.passages_total} passages ` +
      "most relevant to the task, and the first rows of tables";
  return { inputs: reduced.inputs, sent_chars: reduced.sent_chars, total_chars: reduced.total_chars, note };
}

function percent(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}
