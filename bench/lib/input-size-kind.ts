/**
 * One kind of input through the input-size benchmark: each size in turn, every measure timed a few times in one
 * measuring child process, each run under the time limit; a measure over the limit (or failed) stops there, and
 * so do the measures that need its sentences. Progress is one line per size.
 */
import { num, summarize } from "./stats.js";
import { KIND_LABELS, type InputKind } from "./text-corpus.js";
import { MeasuringChild } from "./input-size-child.js";
import { MB, MEASURE_LABELS, REPEAT_BUDGET_MS, mbLabel, measuresOf, repeatsFor, runOrder, usesSplitting, type Measure } from "./input-size-measures.js";
import type { Reply, Request } from "./input-size-protocol.js";

export interface SizeResult {
  mb: number;
  chars: number;
  ms: number[];
  note?: string;
}

export interface MeasureResult {
  sizes: SizeResult[];
  /** Where the measure stopped, and why: over the time limit, failed, or not run because splitting was either. */
  stopped?: { mb: number; over: boolean; why: string };
}

/** `childScript`: the file forked with `--child` to measure in (bench/input-size.ts). */
export async function measureKind(kind: InputKind, sizesMb: number[], limitSeconds: number, progress: (line: string) => void, childScript: string): Promise<Map<Measure, MeasureResult>> {
  const measures = measuresOf(kind);
  const results = new Map<Measure, MeasureResult>(measures.map((m) => [m, { sizes: [] }]));
  const child = new MeasuringChild(childScript);
  const over = `over ${num(limitSeconds, 0)} s`;
  const setup = async (req: Request): Promise<Extract<Reply, { ok: true }>> => {
    const reply = await child.request(req, 300_000); // generating 10 MB or tokenizing its sentences: seconds at most
    if (reply === "timeout") throw new Error(`input size: ${req.op} of ${KIND_LABELS[kind]} took over 300 s`);
    if (!reply.ok) throw new Error(`input size: ${req.op} of ${KIND_LABELS[kind]} failed: ${reply.error}`);
    return reply;
  };
  try {
    await setup({ op: "warmup", kind });
    for (const mb of sizesMb) {
      if (measures.every((m) => results.get(m)!.stopped !== undefined)) break;
      const bytes = Math.round(mb * MB);
      const summary: string[] = [];
      // BM25 right after splitting: it ranks the sentences the child kept from it (no second split after a restart).
      for (const measure of [...measures].sort((a, b) => runOrder(a) - runOrder(b))) {
        const result = results.get(measure)!;
        if (result.stopped !== undefined) continue;
        const split = results.get("split")!.stopped;
        if (split !== undefined && usesSplitting(kind, measure) && (split.over || measure === "bm25")) {
          // Over the limit: what splits the same text is too. Failed: BM25 has no sentences; a branch runs and shows its own error.
          result.stopped = measure === "bm25"
            ? { mb: split.mb, over: split.over, why: `not run: sentence splitting ${split.over ? `was ${over}` : "failed"} at ${mbLabel(split.mb)}` }
            : { mb: split.mb, over: true, why: `${over} (its sentence splitting alone was, at ${mbLabel(split.mb)})` };
          summary.push(`${MEASURE_LABELS[measure]} ${result.stopped.why}`);
          continue;
        }
        const key = `${kind}:${bytes}`;
        if (child.loaded !== key) {
          child.loadedChars = (await setup({ op: "load", kind, bytes })).chars ?? 0;
          child.loaded = key;
        }
        const chars = child.loadedChars;
        if (measure === "bm25") {
          const prepared = await child.request({ op: "prepare-bm25" }, (2 * limitSeconds + 30) * 1000);
          if (prepared === "timeout" || !prepared.ok) {
            result.stopped = prepared === "timeout"
              ? { mb, over: true, why: `not run: tokenizing the sentences took over ${num(2 * limitSeconds + 30, 0)} s` }
              : { mb, over: false, why: `failed: ${prepared.error}` };
            summary.push(`${MEASURE_LABELS[measure]} ${result.stopped.why}`);
            continue;
          }
        }
        const size: SizeResult = { mb, chars, ms: [] };
        for (let i = 0; i < repeatsFor(mb); i++) {
          let reply: Reply | "timeout";
          try {
            reply = await child.request({ op: "measure", measure }, limitSeconds * 1000);
          } catch (error) {
            reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
          }
          if (reply === "timeout") {
            result.stopped = { mb, over: true, why: over };
            break;
          }
          if (!reply.ok) {
            result.stopped = { mb, over: false, why: `failed: ${reply.error}` };
            break;
          }
          size.ms.push(reply.ms);
          if (reply.note !== undefined) size.note = reply.note;
          if (size.ms.reduce((a, b) => a + b, 0) >= REPEAT_BUDGET_MS) break;
        }
        if (size.ms.length > 0 && result.stopped === undefined) {
          result.sizes.push(size);
          const median = summarize(size.ms).median;
          summary.push(`${MEASURE_LABELS[measure]} ${num(chars / MB / (median / 1000))} MB/s (${num(median)} ms${size.ms.length > 1 ? `, median of ${size.ms.length}` : ""}${size.note ? `; ${size.note}` : ""})`);
        } else {
          summary.push(`${MEASURE_LABELS[measure]} ${result.stopped?.why ?? "not measured"}`);
        }
      }
      if (summary.length > 0) progress(`input size: ${KIND_LABELS[kind]} ${mbLabel(mb)}: ${summary.join(", ")}`);
    }
  } finally {
    await child.kill();
  }
  return results;
}
