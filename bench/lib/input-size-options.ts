/**
 * The input-size benchmark's settings: the sizes in MB, the kinds of input and the time limit per run, with their
 * defaults and as the environment gives them (BENCH_INPUT_SIZES, BENCH_INPUT_KINDS, BENCH_INPUT_LIMIT_SECONDS).
 */
import { INPUT_KINDS, type InputKind } from "./text-corpus.js";

export const DEFAULT_INPUT_SIZES_MB = [0.1, 0.4, 1, 2.5, 5, 10];
export const DEFAULT_LIMIT_SECONDS = 20;

export interface InputSizeOptions {
  sizesMb?: number[];
  kinds?: InputKind[];
  limitSeconds?: number;
}

/** Options from BENCH_INPUT_SIZES, BENCH_INPUT_KINDS and BENCH_INPUT_LIMIT_SECONDS. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): Required<InputSizeOptions> {
  const sizesMb = (env.BENCH_INPUT_SIZES ?? DEFAULT_INPUT_SIZES_MB.join(",")).split(",").map((s) => Number(s.trim()));
  if (sizesMb.length === 0 || sizesMb.some((n) => !Number.isFinite(n) || n <= 0)) {
    throw new Error("BENCH_INPUT_SIZES must be positive sizes in MB separated by commas");
  }
  const kinds = (env.BENCH_INPUT_KINDS ?? INPUT_KINDS.join(",")).split(",").map((s) => s.trim()) as InputKind[];
  const unknown = kinds.filter((k) => !INPUT_KINDS.includes(k));
  if (unknown.length > 0) throw new Error(`BENCH_INPUT_KINDS: unknown ${unknown.join(", ")} (kinds: ${INPUT_KINDS.join(", ")})`);
  const limitSeconds = Number(env.BENCH_INPUT_LIMIT_SECONDS ?? DEFAULT_LIMIT_SECONDS);
  if (!(limitSeconds > 0)) throw new Error("BENCH_INPUT_LIMIT_SECONDS must be a positive number");
  return { sizesMb: [...new Set(sizesMb)].sort((a, b) => a - b), kinds, limitSeconds };
}
