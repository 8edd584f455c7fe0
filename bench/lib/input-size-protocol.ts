/**
 * The messages between the input-size benchmark and its measuring child process (bench/lib/input-size-child.ts
 * sends requests, bench/lib/input-size-worker.ts answers them): load an input, warm up, tokenize the sentences for
 * BM25, time one run of a measure.
 */
import type { Measure } from "./input-size-measures.js";
import type { InputKind } from "./text-corpus.js";

export type Request =
  | { op: "load"; kind: InputKind; bytes: number }
  | { op: "warmup"; kind: InputKind }
  | { op: "prepare-bm25" }
  | { op: "measure"; measure: Measure };

export type Reply = { ok: true; ms: number; chars?: number; note?: string } | { ok: false; error: string };
