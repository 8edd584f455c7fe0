/**
 * Deterministic inputs of a given size for the input-size benchmark (bench/input-size.ts): the five kinds of text
 * a branch is given, generated from a seeded PRNG (mulberry32) over a vocabulary of the sample domain (edge AI
 * chips, market, revenue, shipments, power, latency), so that a task's query matches some of it.
 *
 * Every generator returns ASCII (one byte per character) of at most `bytes` bytes, ending on a whole record
 * (sentence, row, log line, JSON array element), so within one record of `bytes`. Same arguments, same text.
 */

export const INPUT_KINDS = ["prose-lines", "prose-flat", "csv", "logs", "json"] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

export const KIND_LABELS: Readonly<Record<InputKind, string>> = {
  "prose-lines": "prose with line breaks",
  "prose-flat": "prose without line breaks",
  csv: "CSV",
  logs: "logs",
  json: "minified JSON",
};

/** The source name a branch would see: the extension decides whether analysis parses a table. */
export const KIND_FILE_NAMES: Readonly<Record<InputKind, string>> = {
  "prose-lines": "edge-ai-report.md",
  "prose-flat": "edge-ai-report.pdf.txt",
  csv: "shipments.csv",
  logs: "inference-gateway.log",
  json: "records.json",
};

export function generateInput(kind: InputKind, bytes: number, seed = 1): string {
  switch (kind) {
    case "prose-lines": return proseWithLineBreaks(bytes, seed);
    case "prose-flat": return proseWithoutLineBreaks(bytes, seed);
    case "csv": return csvTable(bytes, seed);
    case "logs": return logLines(bytes, seed);
    case "json": return minifiedJson(bytes, seed);
  }
}

/** mulberry32: a small, fast, well-mixed 32-bit PRNG. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  /** In [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  /** A number in [min, max) with `digits` decimals, as text. */
  fixed(min: number, max: number, digits: number): string {
    return (min + this.next() * (max - min)).toFixed(digits);
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

const SUBJECTS = [
  "Edge AI chip revenue", "The accelerator market", "NPU shipments", "Inference latency", "Average power draw",
  "Automotive demand", "Smart camera makers", "Industrial customers", "Analysts", "Average selling prices",
  "Design wins", "The low-power segment", "Our second-generation accelerator", "Data-center offload cards",
  "Memory bandwidth", "Gross margin", "Unit shipments in APAC", "Revenue from EMEA", "The compiler toolchain",
  "Competitor shipments", "Market share of the top three vendors", "Power efficiency per TOPS", "Customer demand",
  "The 7 nm tape-out", "Quarterly revenue", "Battery-powered devices", "Latency at batch size one",
];
const VERBS = [
  "grew", "fell", "rose", "reached a new high", "doubled", "slowed", "improved", "declined", "outpaced the market",
  "held steady", "accelerated", "exceeded forecasts", "missed guidance", "recovered", "stayed flat",
];
const REGIONS = ["emea", "apac", "north-america", "latam", "japan", "china"];
const SEGMENTS = ["automotive", "smart cameras", "industrial automation", "drones", "wearables", "robotics", "retail analytics"];
const DRIVERS = [
  "on-device inference", "lower power budgets", "pricing pressure", "new design wins", "supply constraints",
  "demand for real-time vision", "software support", "a shift to 5 nm parts", "longer qualification cycles",
];
const CHIPS = ["npu-a1", "npu-a2", "edge-x7", "vision-c3", "tensor-lite", "d9-micro"];

function complement(r: Rng): string {
  switch (r.int(0, 7)) {
    case 0: return `by ${r.int(2, 48)} percent in ${r.int(2021, 2026)}`;
    case 1: return `to ${r.fixed(0.4, 19, 1)} billion dollars in Q${r.int(1, 4)} ${r.int(2022, 2026)}`;
    case 2: return `to ${r.fixed(0.8, 14, 1)} ms at ${r.fixed(0.5, 9, 1)} W`;
    case 3: return `while power stayed below ${r.fixed(1, 6, 1)} W per chip`;
    case 4: return `as ${r.int(12, 980)},${String(r.int(0, 999)).padStart(3, "0")} units shipped in ${r.pick(REGIONS).toUpperCase()}`;
    case 5: return `compared with ${r.int(1, 30)} percent a year earlier`;
    case 6: return `according to ${r.int(20, 400)} surveyed customers in ${r.pick(SEGMENTS)}`;
    default: return `for the ${r.pick(SEGMENTS)} segment`;
  }
}

function sentence(r: Rng): string {
  let s = `${r.pick(SUBJECTS)} ${r.pick(VERBS)} ${complement(r)}`;
  const extra = r.next();
  if (extra < 0.25) s += `, driven by ${r.pick(DRIVERS)}`;
  else if (extra < 0.35) s += `, e.g. in ${r.pick(SEGMENTS)}`;
  else if (extra < 0.45) s += ` (approx. ${r.fixed(1, 12, 2)} TOPS per watt)`;
  else if (extra < 0.6) s += ` and ${r.pick(SUBJECTS).toLowerCase()} ${r.pick(VERBS)} ${complement(r)}`;
  const end = r.next();
  if (end < 0.04) return `"${s}," one analyst said.`;
  if (end < 0.06) return `${s}?`;
  if (end < 0.07) return `${s}!`;
  return `${s}.`;
}

const HEADINGS = [
  "Market outlook", "Revenue by region", "Shipments and pricing", "Power and latency benchmarks", "Competitive landscape",
  "Customer demand", "Product roadmap", "Supply chain", "Risks", "Software ecosystem",
];

/** Appends parts while the total stays within `bytes`; false once the next part would not fit. */
class Budget {
  readonly parts: string[] = [];
  length = 0;
  constructor(private readonly bytes: number) {}
  add(part: string): boolean {
    if (this.length + part.length > this.bytes) return false;
    this.parts.push(part);
    this.length += part.length;
    return true;
  }
  text(): string {
    return this.parts.join("");
  }
}

/** Lines of at most `width` characters (a word longer than that is a line alone). */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// The kinds

/**
 * A Markdown report: a title, sections with "##" headings every 3-6 blocks, paragraphs of 3-8 sentences (hard-wrapped
 * at 72-100 columns, or one sentence per line), now and then a bullet list of 3-5 items; blank lines between blocks.
 */
export function proseWithLineBreaks(bytes: number, seed = 1): string {
  const r = new Rng(seed);
  const out = new Budget(bytes);
  if (!out.add("# Edge AI accelerator market report\n\n")) return "";
  let section = 0;
  let untilHeading = 0;
  for (;;) {
    let block: string;
    if (untilHeading-- <= 0) {
      block = `## ${++section}. ${r.pick(HEADINGS)}\n\n`;
      untilHeading = r.int(3, 6);
    } else if (r.chance(0.15)) {
      const items: string[] = [];
      for (let i = r.int(3, 5); i > 0; i--) items.push(`${r.pick(["-", "*", `${items.length + 1}.`])} ${sentence(r)}`);
      block = `${items.join("\n")}\n\n`;
    } else {
      const sentences: string[] = [];
      for (let i = r.int(3, 8); i > 0; i--) sentences.push(sentence(r));
      block = `${r.chance(0.3) ? sentences.join("\n") : wrap(sentences.join(" "), r.int(72, 100))}\n\n`;
    }
    if (!out.add(block)) break;
  }
  return out.text();
}

/**
 * One paragraph and no line break at all, as a PDF-to-text dump gives: sentences separated by spaces, with the page
 * furniture (running headers, page numbers, section titles without a full stop, bullet glyphs) inline.
 */
export function proseWithoutLineBreaks(bytes: number, seed = 1): string {
  const r = new Rng(seed);
  const out = new Budget(bytes);
  let page = 1;
  for (let i = 0; ; i++) {
    let part: string;
    if (i > 0 && i % 40 === 0) part = `Edge AI Accelerator Market Report 2026 Page ${++page} ${page}.${r.int(1, 6)} ${r.pick(HEADINGS)}`;
    else if (r.chance(0.05)) part = `- ${sentence(r)}`; // a bullet, its glyph come through as "-" (ASCII)
    else part = sentence(r);
    if (!out.add(i === 0 ? part : ` ${part}`)) break;
  }
  return out.text();
}

/** A header and rows: quarter, region, chip, five numeric columns and a free-text note (quoted when it has a comma). */
export function csvTable(bytes: number, seed = 1): string {
  const r = new Rng(seed);
  const out = new Budget(bytes);
  if (!out.add("quarter,region,chip,units_k,revenue_musd,asp_usd,latency_ms,power_w,note\n")) return "";
  const notes = [
    "strong automotive demand", "pricing pressure", "new design wins", "supply constrained", "inventory correction",
    "latency target met", "power budget exceeded", "record shipments", "customer qualification pending",
  ];
  for (;;) {
    const note = r.chance(0.2) ? `"${r.pick(notes)}, ${r.pick(notes)}"` : r.pick(notes);
    const row = `${r.int(2019, 2026)}Q${r.int(1, 4)},${r.pick(REGIONS)},${r.pick(CHIPS)},${r.fixed(5, 990, 1)},` +
      `${r.fixed(0.1, 250, 2)},${r.fixed(4, 60, 2)},${r.fixed(0.8, 14, 2)},${r.fixed(0.4, 9, 2)},${note}\n`;
    if (!out.add(row)) break;
  }
  return out.text();
}

/**
 * Service logs: ISO timestamp, level, component, a lowercase message of key=value pairs and words; almost no line
 * ends like a sentence (2% end with a full stop), and no commas (so analysis does not take it for CSV).
 */
export function logLines(bytes: number, seed = 1): string {
  const r = new Rng(seed);
  const out = new Budget(bytes);
  const components = ["inference-gateway", "npu-driver", "thermal", "telemetry", "billing", "shipment-sync", "market-feed", "scheduler"];
  let time = Date.UTC(2026, 2, 14, 8, 0, 0);
  for (;;) {
    time += r.int(1, 900);
    const level = r.chance(0.7) ? "info" : r.pick(["debug", "warn", "error"]);
    let message: string;
    switch (r.int(0, 6)) {
      case 0: message = `inference request served model=${r.pick(CHIPS)} latency_ms=${r.fixed(0.8, 40, 2)} power_w=${r.fixed(0.4, 9, 2)} batch=${r.int(1, 32)}`; break;
      case 1: message = `shipment batch ${r.int(1000, 99999)} of ${r.int(100, 9000)} units dispatched to ${r.pick(REGIONS)}`; break;
      case 2: message = `revenue sync for ${r.int(2022, 2026)}q${r.int(1, 4)} ${r.pick(REGIONS)} completed in ${r.int(20, 4000)} ms rows=${r.int(10, 90000)}`; break;
      case 3: message = `thermal throttle on edge node ${r.int(1, 512)} power budget ${r.fixed(1, 6, 1)} w exceeded by ${r.fixed(0.1, 2, 2)} w`; break;
      case 4: message = `latency p99 ${r.fixed(2, 60, 1)} ms above target ${r.int(5, 20)} ms for customer ${r.pick(["acme", "globex", "initech", "umbrella", "hooli"])}`; break;
      case 5: message = `market feed update received ${r.int(1, 400)} price points asp_usd=${r.fixed(4, 60, 2)} demand_index=${r.fixed(0.5, 2, 3)}`; break;
      default: message = `retrying upload attempt ${r.int(1, 5)} of 5 after timeout of ${r.int(1, 30)} s`; break;
    }
    if (r.chance(0.02)) message += ".";
    const line = `${new Date(time).toISOString()} ${level.padEnd(5)} ${r.pick(components)}: ${message}\n`;
    if (!out.add(line)) break;
  }
  return out.text();
}

/** One line, no spaces between tokens: a report object whose "records" array holds nested objects, arrays and prose strings. */
export function minifiedJson(bytes: number, seed = 1): string {
  const r = new Rng(seed);
  const head = `{"report":"edge-ai-accelerator-market","generated":"2026-03-14T08:00:00.000Z","currency":"usd","records":[`;
  const tail = "]}";
  if (head.length + tail.length > bytes) return "";
  const out = new Budget(bytes - tail.length);
  out.add(head);
  for (let id = 1; ; id++) {
    const record = {
      id,
      quarter: `${r.int(2019, 2026)}Q${r.int(1, 4)}`,
      region: r.pick(REGIONS),
      chip: { name: r.pick(CHIPS), process_nm: r.pick([3, 5, 7, 12, 16]), latency_ms: Number(r.fixed(0.8, 14, 2)), power_w: Number(r.fixed(0.4, 9, 2)) },
      shipments: { units_k: Number(r.fixed(5, 990, 1)), revenue_musd: Number(r.fixed(0.1, 250, 2)) },
      segments: [r.pick(SEGMENTS), r.pick(SEGMENTS)],
      summary: sentence(r),
      notes: r.chance(0.5) ? [{ author: "analyst", text: sentence(r) }] : [],
    };
    if (!out.add(`${id > 1 ? "," : ""}${JSON.stringify(record)}`)) break;
  }
  return `${out.text()}${tail}`;
}
