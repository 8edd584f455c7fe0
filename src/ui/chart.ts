/**
 * Source attribution (branch id -> share of the merged result) as horizontal SVG bars, largest first.
 */
import { pct, s } from "./dom.js";

const W = 340;
const LABEL = 96;
const ROW = 24;

export function attributionChart(shares: Record<string, number>, describe: (branchId: string) => string): SVGElement {
  const rows = Object.entries(shares).filter(([, v]) => Number.isFinite(v)).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const max = Math.max(...rows.map(([, v]) => v), 0.0001);
  const barSpace = W - LABEL - 52;
  const label = `Source attribution: ${rows.map(([k, v]) => `${k} ${pct(v)}`).join(", ")}`;
  return s("svg", { viewBox: `0 0 ${W} ${Math.max(ROW, rows.length * ROW)}`, role: "img", "aria-label": label, class: "chart" },
    rows.map(([id, v], i) => {
      const y = i * ROW;
      const name = describe(id);
      const short = name.length > 14 ? `${name.slice(0, 13)}…` : name;
      const w = Math.max(1, (v / max) * barSpace);
      return s("g", { class: "bar", "data-branch": id },
        s("title", {}, `${id}${name && name !== id ? ` (${name})` : ""}: ${pct(v)}`),
        s("text", { x: 0, y: y + 16, class: "bar-label" }, short),
        s("rect", { x: LABEL, y: y + 5, width: w.toFixed(1), height: ROW - 10, rx: 3 }),
        s("text", { x: LABEL + w + 6, y: y + 16, class: "bar-value" }, pct(v)));
    }));
}
