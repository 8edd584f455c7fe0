/**
 * Summaries of repeated measurements (median, min, max) and the one Markdown table the benchmark prints.
 */

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(values: number[]): Summary {
  if (values.length === 0) throw new Error("nothing to summarize");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, n: sorted.length };
}

/** A number with a precision that suits its size: 3 significant digits, no exponent, thousands separated. */
export function num(x: number, digits?: number): string {
  const d = digits ?? (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : Math.abs(x) >= 1 ? 2 : 3);
  return x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}

export const mb = (bytes: number) => bytes / 2 ** 20;

/** One row of the result table. `summary` absent: a single figure in `value`. */
export interface Row {
  id: string;
  measurement: string;
  value: number | string;
  summary?: Summary;
  unit: string;
  note?: string;
  digits?: number;
}

export function row(id: string, measurement: string, s: Summary | number | string, unit: string, note?: string, digits?: number): Row {
  const base = { id, measurement, unit, ...(note ? { note } : {}), ...(digits !== undefined ? { digits } : {}) };
  return typeof s === "object" ? { ...base, value: s.median, summary: s } : { ...base, value: s };
}

/** Renders the rows as one Markdown table (readable in a terminal, pasteable into docs). */
export function renderTable(rows: Row[]): string {
  const header = ["#", "measurement", "median", "min–max", "n", "unit", "note"];
  const cells = rows.map((r) => [
    r.id,
    r.measurement,
    typeof r.value === "number" ? num(r.value, r.digits) : r.value,
    r.summary && r.summary.n > 1 ? `${num(r.summary.min, r.digits)}–${num(r.summary.max, r.digits)}` : "",
    r.summary ? String(r.summary.n) : "",
    r.unit,
    r.note ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => (i >= 2 && i <= 4 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i >= 2 && i <= 4 ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(header), rule, ...cells.map(line)].join("\n");
}
