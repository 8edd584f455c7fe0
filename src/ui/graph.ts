/**
 * The workflow graph as inline SVG, laid out for a narrow chat column: the main line top to bottom, the five
 * branch nodes side by side, the load balancer beside the merger with its loop back to the coordinator.
 * Nodes the run entered are marked passed, the node it waits at waiting, the nodes working now active.
 */
import { s } from "./dom.js";

interface Box { id: string; x: number; y: number; w: number; h: number; lines: string[] }

const W = 360;
const MAIN_X = 64;
const MAIN_W = 190;
const ROW = { analyzer: 6, coordinator: 50, branches: 100, sync: 160, merger: 206, quality: 252, final: 298 };
const H = 334;

const main = (id: string, y: number, label = id): Box => ({ id, x: MAIN_X, y, w: MAIN_W, h: 28, lines: [label] });
const BRANCHES: Array<[string, string, string]> = [
  ["research_branch_alpha", "research", "alpha"],
  ["research_branch_beta", "research", "beta"],
  ["research_branch_gamma", "research", "gamma"],
  ["analysis_branch_primary", "analysis", "primary"],
  ["analysis_branch_secondary", "analysis", "secondary"],
];

const BOXES: Box[] = [
  main("task_analyzer", ROW.analyzer),
  main("parallel_coordinator", ROW.coordinator),
  ...BRANCHES.map(([id, kind, name], i): Box => ({ id, x: 4 + i * 63, y: ROW.branches, w: 58, h: 38, lines: [kind, name] })),
  main("sync_point_manager", ROW.sync),
  { id: "load_balancer", x: 266, y: ROW.merger, w: 90, h: 28, lines: ["load_balancer"] },
  main("branch_merger", ROW.merger),
  main("quality_validator", ROW.quality),
  main("final_integrator", ROW.final),
];
const byId = new Map(BOXES.map((b) => [b.id, b]));

export const GRAPH_NODES: readonly string[] = BOXES.map((b) => b.id);

type Pt = [number, number];
const top = (b: Box, dx = b.w / 2): Pt => [b.x + dx, b.y];
const bottom = (b: Box, dx = b.w / 2): Pt => [b.x + dx, b.y + b.h];
const right = (b: Box): Pt => [b.x + b.w, b.y + b.h / 2];
const node = (id: string): Box => byId.get(id)!;

/** Edges as polylines between two nodes (from, to, points). */
function edges(): Array<[string, string, Pt[]]> {
  const list: Array<[string, string, Pt[]]> = [];
  const line = (a: string, b: string, pts?: Pt[]) => list.push([a, b, pts ?? [bottom(node(a)), top(node(b))]]);
  line("task_analyzer", "parallel_coordinator");
  for (const [id] of BRANCHES) {
    line("parallel_coordinator", id);
    line(id, "sync_point_manager");
  }
  line("sync_point_manager", "branch_merger");
  line("branch_merger", "quality_validator");
  line("quality_validator", "final_integrator");
  const lb = node("load_balancer");
  line("sync_point_manager", "load_balancer", [right(node("sync_point_manager")), top(lb, 24)]);
  line("quality_validator", "load_balancer", [right(node("quality_validator")), bottom(lb, 24)]);
  line("load_balancer", "parallel_coordinator", [top(lb, 80), [lb.x + 80, ROW.coordinator + 14], right(node("parallel_coordinator"))]);
  return list;
}

function nodeState(id: string, passed: Set<string>, active: Set<string>, waiting: Set<string>): string {
  if (waiting.has(id)) return "waiting";
  if (active.has(id)) return "active";
  return passed.has(id) ? "passed" : "idle";
}

const STATE_WORD: Record<string, string> = { waiting: "waiting for a decision", active: "working", passed: "passed", idle: "not reached" };

export function graphSvg(passed: Set<string>, active: Set<string>, waiting: Set<string>): SVGElement {
  const path = GRAPH_NODES.filter((id) => passed.has(id));
  const label = `Workflow graph. Passed: ${path.join(", ") || "none yet"}.` +
    (waiting.size ? ` Waiting at ${[...waiting].join(", ")}.` : "") + (active.size ? ` Working: ${[...active].join(", ")}.` : "");
  const marker = s("marker", { id: "arrow", viewBox: "0 0 8 8", refX: 7, refY: 4, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" },
    s("path", { d: "M0,0 L8,4 L0,8 z", class: "arrowhead" }));
  const lines = edges().map(([a, b, pts]) => s("polyline", {
    points: pts.map((p) => p.join(",")).join(" "),
    class: `edge${passed.has(a) && passed.has(b) ? " passed" : ""}`,
    "marker-end": "url(#arrow)",
  }));
  const boxes = BOXES.map((b) => {
    const state = nodeState(b.id, passed, active, waiting);
    const cx = b.x + b.w / 2;
    const first = b.y + b.h / 2 - (b.lines.length - 1) * 6 + 4;
    return s("g", { class: `node ${state}`, "data-node": b.id, "data-state": state },
      s("title", {}, `${b.id}: ${STATE_WORD[state]}`),
      s("rect", { x: b.x, y: b.y, width: b.w, height: b.h, rx: 6 }),
      b.lines.map((t, i) => s("text", { x: cx, y: first + i * 12, "text-anchor": "middle", class: i === 0 && b.lines.length > 1 ? "kind" : "" }, t)));
  });
  return s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, class: "graph" },
    s("defs", {}, marker), ...lines, ...boxes);
}
