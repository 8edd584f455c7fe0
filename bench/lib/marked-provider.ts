/**
 * The model-latency benchmark's scripted provider: every branch's prompt carries a marker "[tK]", and a request's
 * latency is the draw of its branch (the report, which has none, takes the last draw). Also reads the recorded
 * requests back by branch: which branch a request is, and the waves the branch calls formed.
 */
import { findingsResponder, startScriptedProvider, type RecordedRequest, type ScriptedProvider } from "../../test/helpers/scripted-provider.js";

const MARKER = /\[t(\d+)\]/;

/** The branch (0-based) a request belongs to, "report" for the report call, undefined for anything else. */
export function branchIndexOf(r: RecordedRequest): number | "report" | undefined {
  const m = MARKER.exec(r.userText);
  if (m) return Number(m[1]) - 1;
  return /Merged findings/.test(r.userText) ? "report" : undefined;
}

/** A provider serving `draws` (one per branch t1..tN, the last for the report). */
export async function providerFor(draws: number[]): Promise<ScriptedProvider> {
  const n = draws.length - 1;
  return startScriptedProvider({
    responder: findingsResponder(),
    keyOf: (r) => {
      const i = branchIndexOf(r);
      return i === undefined ? "other" : i === "report" ? "report" : `t${i + 1}`;
    },
    latency: (r) => {
      const i = branchIndexOf(r);
      if (i === "report") return draws[n]!;
      if (i === undefined || i >= n) throw new Error(`a request without a known marker: ${r.userText.slice(0, 120)}`);
      return draws[i]!;
    },
  });
}

/** When a request was answered (its arrival if it never was). */
export const finishOf = (r: RecordedRequest) => r.finishedAt ?? r.arrivedAt;

/** The branch requests in arrival order, and the waves: maximal spans where some branch call is in flight. */
export function branchWaves(provider: ScriptedProvider): { branch: RecordedRequest[]; spans: RecordedRequest[][] } {
  const branch = provider.requests.filter((r) => typeof branchIndexOf(r) === "number").sort((a, b) => a.arrivedAt - b.arrivedAt);
  const spans: RecordedRequest[][] = [];
  let end = -Infinity;
  for (const r of branch) {
    if (r.arrivedAt > end) spans.push([]);
    spans.at(-1)!.push(r);
    end = Math.max(end, finishOf(r));
  }
  return { branch, spans };
}
