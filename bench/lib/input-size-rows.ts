/**
 * The input-size benchmark's result rows for one measure of one kind: MB/s at the largest size measured (with the
 * rate at every size, and where it stopped), then the growth exponent of its time over the sizes.
 */
import { growthExponent } from "./growth-exponent.js";
import type { MeasureResult, SizeResult } from "./input-size-kind.js";
import { MB, MEASURE_LABELS, mbLabel, type Measure } from "./input-size-measures.js";
import { num, row, summarize, type Row } from "./stats.js";
import { KIND_LABELS, type InputKind } from "./text-corpus.js";

export function rowsOf(kind: InputKind, measure: Measure, result: MeasureResult, limitSeconds: number): Row[] {
  const name = `${KIND_LABELS[kind]}: ${MEASURE_LABELS[measure]}`;
  const rate = (s: SizeResult) => s.ms.map((ms) => s.chars / MB / (ms / 1000));
  const bySize = [
    ...result.sizes.map((s) => `${mbLabel(s.mb)} ${num(summarize(rate(s)).median)}`),
    ...(result.stopped ? [`${mbLabel(result.stopped.mb)} ${result.stopped.why}`] : []),
  ].join(" · ");
  const largest = result.sizes.at(-1);
  if (largest === undefined) {
    const why = result.stopped?.why ?? "not measured";
    return [row("6", `${name}, ${mbLabel(result.stopped?.mb ?? 0)}`, why, "MB/s", `no size measured (limit ${num(limitSeconds, 0)} s per run)`)];
  }
  const rows = [row("6", `${name}, ${mbLabel(largest.mb)}`, summarize(rate(largest)), "MB/s", `by size, MB/s: ${bySize}`)];
  const k = growthExponent(result.sizes.map((s) => ({ bytes: s.chars, ms: summarize(s.ms).median })));
  const first = result.sizes[0]!;
  const range = `${mbLabel(first.mb)}–${mbLabel(largest.mb)} (${result.sizes.length} sizes)`;
  const stop = result.stopped ? `; stopped at ${mbLabel(result.stopped.mb)}: ${result.stopped.why}` : "";
  rows.push(k === undefined
    ? row("6", `${name}: growth exponent`, "n/a", "", `one size measured${stop}`)
    : row("6", `${name}: growth exponent`, k, "", `time ∝ size^k, log–log least squares over ${range}; 1 = linear${stop}`, 2));
  return rows;
}
