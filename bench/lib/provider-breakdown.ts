/**
 * Where a model-latency run's time went, read off the scripted provider's own clock (arrival and finish of every
 * request): time before the first call, the branch phase split into waves (spans with a call in flight) and the
 * gaps with none in flight, the time from the last branch answer to the report call, the report, and settling.
 */
import type { ScriptedProvider } from "../../test/helpers/scripted-provider.js";
import { branchIndexOf, branchWaves, finishOf } from "./marked-provider.js";

export interface Breakdown {
  wallMs: number;
  /** Process CPU time (user + system) over the run, ms; the provider's share included (same for both). */
  cpuMs: number;
  calls: number;
  maxInFlight: number;
  /** Run start to the first branch request's arrival. */
  startupMs: number;
  /** Spans of the branch phase with at least one call in flight ("waves"), and the gaps with none. */
  waves: number;
  waveMs: number;
  gapMs: number;
  /** Σ over waves of the slowest scripted latency in it: what the waves cost with no overhead at all. */
  waveBoundMs: number;
  /** Mean of (request finish - arrival - scripted latency): HTTP and client overhead the provider sees per call. */
  httpOverheadMs: number;
  /** Spread of arrivals within a wave (first to last request), mean over waves of more than one request. */
  dispatchSpreadMs: number;
  /** Last branch answer to the report request's arrival (merge, quality, report prompt). */
  preReportMs: number;
  reportMs: number;
  /** Report answer to the run settling. */
  postReportMs: number;
}

/** The breakdown of a run from `startedAt` to `settledAt` (performance.now()), given the draws it was served. */
export function breakdown(provider: ScriptedProvider, draws: number[], startedAt: number, settledAt: number, cpuMs: number): Breakdown {
  const n = draws.length - 1;
  const { branch, spans } = branchWaves(provider);
  const report = provider.requests.find((r) => branchIndexOf(r) === "report");
  if (branch.length === 0 || !report) throw new Error("no branch or no report request was recorded");
  let waveMs = 0;
  let gapMs = 0;
  let waveBoundMs = 0;
  let spread = 0;
  let spreadN = 0;
  let prevEnd: number | undefined;
  for (const span of spans) {
    const s = span[0]!.arrivedAt;
    const e = Math.max(...span.map(finishOf));
    waveMs += e - s;
    if (prevEnd !== undefined) gapMs += s - prevEnd;
    prevEnd = e;
    waveBoundMs += Math.max(...span.map((r) => draws[branchIndexOf(r) as number]!));
    if (span.length > 1) {
      spread += span.at(-1)!.arrivedAt - s;
      spreadN++;
    }
  }
  const overhead = provider.requests.map((r) => {
    const i = branchIndexOf(r);
    return finishOf(r) - r.arrivedAt - (i === "report" ? draws[n]! : draws[i as number]!);
  });
  const lastBranchEnd = Math.max(...branch.map(finishOf));
  return {
    wallMs: settledAt - startedAt,
    cpuMs,
    calls: provider.calls,
    maxInFlight: provider.maxInFlight,
    startupMs: branch[0]!.arrivedAt - startedAt,
    waves: spans.length,
    waveMs, gapMs, waveBoundMs,
    httpOverheadMs: overhead.reduce((a, b) => a + b, 0) / overhead.length,
    dispatchSpreadMs: spreadN ? spread / spreadN : 0,
    preReportMs: report.arrivedAt - lastBranchEnd,
    reportMs: finishOf(report) - report.arrivedAt,
    postReportMs: settledAt - finishOf(report),
  };
}
