/**
 * The model-latency benchmark's output: per N, the result rows (ours against the ideal and the bare graph, where
 * the time went, CPU and per-call overhead, the gaps between waves), and the one-line-per-N summary table.
 */
import { MODEL_CONCURRENCY } from "./model-latency-ours.js";
import type { SizeResult } from "./model-latency-sizes.js";
import type { Breakdown } from "./provider-breakdown.js";
import { num, row, type Row } from "./stats.js";

const verdict = (x: number, limit: number) => (x <= limit ? `target ≤ ${limit}x: MET` : `target ≤ ${limit}x: MISSED`);

/** The result rows, per N: ours against the ideal and the bare graph, then where the time went. */
export function rowsOf(results: SizeResult[]): Row[] {
  return results.flatMap(({ n, c, ideal, waves, meanLatency, reportLatency, idealAtModelConcurrency, ours, bare }) => {
    const id = `N=${n}`;
    const oursIdeal = ours.wallMs / ideal;
    const oursBare = ours.wallMs / bare.wallMs;
    const parts = (b: Breakdown) =>
      `startup ${num(b.startupMs)}, ${b.waves} wave(s) ${num(b.waveMs)} (slowest-per-wave bound ${num(b.waveBoundMs)}), ` +
      `gaps ${num(b.gapMs)}, to report ${num(b.preReportMs)}, report ${num(b.reportMs)}, settle ${num(b.postReportMs)}`;
    return [
      row(id, "ours: wall time", ours.wallMs, "ms", `${n} branches, mean scripted latency ${num(meanLatency)} ms, report ${num(reportLatency)} ms`),
      row(id, `ideal: list schedule on c = ${c} slots + report`, ideal, "ms", `c = min(wave size ${ours.waveSize}, --model-concurrency ${MODEL_CONCURRENCY})`),
      row(id, "ours / ideal", oursIdeal, "x", verdict(oursIdeal, 1.15), 2),
      row(id, `bare LangGraph, maxConcurrency ${c}: wall time`, bare.wallMs, "ms", `bare / ideal ${num(bare.wallMs / ideal, 2)}x`),
      row(id, "ours / bare", oursBare, "x", verdict(oursBare, 1), 2),
      row(id, "max in flight at the provider (ours / bare)", `${ours.maxInFlight} / ${bare.maxInFlight}`, "calls", ""),
      row(id, "provider calls (ours / bare)", `${ours.calls} / ${bare.calls}`, "calls", `${n} branches + 1 report`),
      row(id, `waves of ${ours.waveSize} waiting for their slowest, no overhead`, waves, "ms", `waves / ideal ${num(waves / ideal, 2)}x; ours / waves ${num(ours.wallMs / waves, 2)}x`),
      row(id, "ours: where the time went", num(ours.wallMs), "ms", parts(ours)),
      row(id, "bare: where the time went", num(bare.wallMs), "ms", parts(bare)),
      row(id, "CPU time per branch (ours / bare)", `${num(ours.cpuMs / n, 1)} / ${num(bare.cpuMs / n, 1)}`, "ms",
        `process user+system over the run (provider included): ${num(ours.cpuMs)} / ${num(bare.cpuMs)} ms`),
      row(id, "per-call overhead beyond the scripted latency (ours / bare)", `${num(ours.httpOverheadMs, 1)} / ${num(bare.httpOverheadMs, 1)}`, "ms", `dispatch spread within a wave: ours ${num(ours.dispatchSpreadMs, 1)} ms`),
      ...(ours.waves > 1 ? [row(id, `ours: one gap between waves (median of ${ours.waves - 1})`, ours.gapSplit.reduce((a, g) => a + g.median, 0), "ms",
        ours.gapSplit.map((g) => `${g.segment} ${num(g.median, 1)}`).join("; "), 1)] : []),
      row(id, `reference: ideal on --model-concurrency ${MODEL_CONCURRENCY} slots`, idealAtModelConcurrency, "ms", `ours / it ${num(ours.wallMs / idealAtModelConcurrency, 2)}x (the wave cap, not the model limit, sets c)`),
    ];
  });
}

/** One line per N: ours, the ideal and the bare graph, their ratios, in-flight maximum and calls. */
export function summaryTable(results: SizeResult[]): string {
  const header = ["N", "c", "ours ms", "ideal ms", "ours/ideal", "bare ms", "ours/bare", "max in flight (ours/bare)", "calls (ours/bare)"];
  const lines = results.map((r) => [
    String(r.n), String(r.c), num(r.ours.wallMs), num(r.ideal), num(r.ours.wallMs / r.ideal, 2), num(r.bare.wallMs), num(r.ours.wallMs / r.bare.wallMs, 2),
    `${r.ours.maxInFlight} / ${r.bare.maxInFlight}`, `${r.ours.calls} / ${r.bare.calls}`,
  ]);
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---:").join("|")}|`, ...lines.map((l) => `| ${l.join(" | ")} |`)].join("\n");
}
