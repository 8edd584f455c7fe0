/**
 * The offline work that may run on a worker thread: the builtin branch (BM25 ranking, statistics). Plain data in,
 * plain data out (structured-cloned between threads), so it runs the same inline or in a worker.
 */
import { analyzeInputs } from "../executors/builtin-analysis.js";
import { researchFindings, taskQuery } from "../executors/builtin-research.js";
import type { BranchOutcome, LoadedInput, OfflineWork } from "../executors/types.js";
import { reduceToPassages, type ReducedInputs } from "../text/passages.js";

/** The builtin branch: research ranks sentences, analysis computes statistics. */
export function builtinBranch(work: OfflineWork): BranchOutcome {
  const type = work.task.type;
  switch (type) {
    case "research":
      return researchFindings(work);
    case "analysis":
      return analyzeInputs(work);
    default: {
      const unknown: never = type;
      throw new Error(`builtin executor: unknown task type ${JSON.stringify(unknown)}`);
    }
  }
}

/** A model's sources: the inputs, or within `maxChars` the passages most relevant to the task. */
export function relevantPassages(job: { task: OfflineWork["task"]; inputs: LoadedInput[]; maxChars: number }): ReducedInputs {
  return reduceToPassages(job.inputs, taskQuery(job.task).terms, job.maxChars);
}

/** Every job a worker thread can run, by name (the worker module exports each). */
export const OFFLINE_JOBS = { builtinBranch, relevantPassages } as const;
export type OfflineJobName = keyof typeof OFFLINE_JOBS;
export type OfflineJobInput<N extends OfflineJobName> = Parameters<(typeof OFFLINE_JOBS)[N]>[0];
export type OfflineJobOutput<N extends OfflineJobName> = ReturnType<(typeof OFFLINE_JOBS)[N]>;

/** The size of a job's text, in UTF-16 units: what decides whether it is worth a thread. */
export function jobChars(work: { inputs: readonly { text: string }[] }): number {
  let chars = 0;
  for (const input of work.inputs) chars += input.text.length;
  return chars;
}
