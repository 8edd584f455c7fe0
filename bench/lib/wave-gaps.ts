/**
 * The gaps between a model-latency run's waves, split at the run's timeline events (the last branch node of a wave
 * completing, sync_point_manager, parallel_coordinator, the next wave's first branch node): what the server does
 * between one wave's last answer and the next wave's first request.
 */
import type { RecordedRequest, ScriptedProvider } from "../../test/helpers/scripted-provider.js";
import type { OpenModelConductor } from "./model-conductor.js";
import { branchIndexOf, branchWaves, finishOf } from "./marked-provider.js";
import { summarize } from "./stats.js";

/** Per segment of a gap: the median over the gaps and the total (ms). */
export type GapSplit = Array<{ segment: string; median: number; total: number }>;

export interface TimelineEventLike {
  timestamp: string;
  event: string;
  node?: string;
  branch_id?: string;
}

export const GAP_SEGMENTS = [
  "last answer -> its branch node done (scoring, results, outcome, events)",
  "-> sync_point_manager starts (superstep end, checkpoint)",
  "sync_point_manager",
  "-> parallel_coordinator starts (checkpoint)",
  "parallel_coordinator",
  "-> next wave's first branch node starts (checkpoint, Sends)",
  "-> its first model request arrives (agent, inputs, prompt, ledger, client)",
] as const;

/**
 * Each gap between two waves (provider clock, mapped to the epoch) split at the timeline's node events: the last
 * branch node of the wave completing, sync_point_manager, parallel_coordinator, the next wave's first branch node.
 */
export function splitGaps(provider: ScriptedProvider, events: TimelineEventLike[]): GapSplit {
  const epoch = (t: number) => performance.timeOrigin + t;
  const { spans } = branchWaves(provider);
  const at = events.map((e) => ({ ...e, t: Date.parse(e.timestamp) }));
  const idOf = (r: RecordedRequest) => `t${(branchIndexOf(r) as number) + 1}`;
  const perSegment: number[][] = GAP_SEGMENTS.map(() => []);
  for (let k = 0; k + 1 < spans.length; k++) {
    const ids = new Set(spans[k]!.map(idOf));
    const next = new Set(spans[k + 1]!.map(idOf));
    const a = epoch(Math.max(...spans[k]!.map(finishOf)));
    const b = Math.max(...at.filter((e) => e.event === "node_completed" && e.branch_id !== undefined && ids.has(e.branch_id)).map((e) => e.t));
    const c = at.find((e) => e.event === "node_started" && e.node === "sync_point_manager" && e.t >= b)?.t;
    const d = c === undefined ? undefined : at.find((e) => e.event === "node_completed" && e.node === "sync_point_manager" && e.t >= c)?.t;
    const e2 = d === undefined ? undefined : at.find((e) => e.event === "node_started" && e.node === "parallel_coordinator" && e.t >= d)?.t;
    const f = e2 === undefined ? undefined : at.find((e) => e.event === "node_completed" && e.node === "parallel_coordinator" && e.t >= e2)?.t;
    const g = Math.min(...at.filter((e) => e.event === "node_started" && e.branch_id !== undefined && next.has(e.branch_id)).map((e) => e.t));
    const h = epoch(spans[k + 1]![0]!.arrivedAt);
    if ([b, c, d, e2, f, g].some((x) => x === undefined || !Number.isFinite(x))) continue;
    const marks = [a, b, c!, d!, e2!, f!, g, h];
    for (let i = 0; i < GAP_SEGMENTS.length; i++) perSegment[i]!.push(marks[i + 1]! - marks[i]!);
  }
  return GAP_SEGMENTS.map((segment, i) => {
    const v = perSegment[i]!;
    return { segment, median: v.length ? summarize(v).median : 0, total: v.reduce((x, y) => x + y, 0) };
  });
}

/** Every timeline event of a run, page by page. */
export async function allEvents(conductor: OpenModelConductor["conductor"], runId: string): Promise<TimelineEventLike[]> {
  const out: TimelineEventLike[] = [];
  for (let since = 0; ;) {
    const page = await conductor.context.timeline.page(runId, since, 1000);
    out.push(...page);
    if (page.length < 1000) return out;
    since = page.at(-1)!.seq;
  }
}
