/**
 * The input-size benchmark's measuring child process, from inside: holds one input (of a kind and size), times one
 * run of a measure per request (bench/lib/input-size-protocol.ts) on the built code (dist/): sentence splitting,
 * tokenizing, BM25 ranking of the sentences, the research and analysis branches' offline work.
 */
import type * as SentencesModule from "../../src/agents/text/sentences.js";
import type * as TokenizeModule from "../../src/agents/text/tokenize.js";
import type * as Bm25Module from "../../src/agents/text/bm25.js";
import type * as ResearchModule from "../../src/agents/executors/builtin-research.js";
import type * as AnalysisModule from "../../src/agents/executors/builtin-analysis.js";
import type { BranchOutcome, BranchWork, LoadedInput } from "../../src/agents/executors/types.js";
import { measuresOf, type Measure } from "./input-size-measures.js";
import type { Reply, Request } from "./input-size-protocol.js";
import { generateInput, KIND_FILE_NAMES } from "./text-corpus.js";

/** The BM25 query: 10 distinct terms once tokenized (checked in the child). */
const QUERY_TEXT = "edge accelerator market revenue growth shipments power latency inference demand";
const OBJECTIVE = "Should we build an edge AI accelerator product? Assess technology, market and competition.";
const RESEARCH_DESCRIPTION = "edge AI chip market revenue, shipments, power and latency";
const ANALYSIS_DESCRIPTION = "shipment units, revenue, latency and power by region";

/** The built modules the child times, under dist/ (bench/input-size.ts checks that they are there). */
export const WORKER_DIST_FILES = {
  sentences: "agents/text/sentences.js",
  tokenize: "agents/text/tokenize.js",
  bm25: "agents/text/bm25.js",
  research: "agents/executors/builtin-research.js",
  analysis: "agents/executors/builtin-analysis.js",
} as const;

/** Answers the parent's requests until it disconnects. */
export async function runChild(): Promise<void> {
  const load = async <T>(file: string): Promise<T> => (await import(new URL(`../../dist/${file}`, import.meta.url).href)) as T;
  const { splitSentences } = await load<typeof SentencesModule>(WORKER_DIST_FILES.sentences);
  const { tokenize } = await load<typeof TokenizeModule>(WORKER_DIST_FILES.tokenize);
  const { rankBm25 } = await load<typeof Bm25Module>(WORKER_DIST_FILES.bm25);
  const { researchFindings } = await load<typeof ResearchModule>(WORKER_DIST_FILES.research);
  const { analyzeInputs } = await load<typeof AnalysisModule>(WORKER_DIST_FILES.analysis);

  const query = tokenize(QUERY_TEXT);
  if (new Set(query).size !== 10) throw new Error(`the BM25 query has ${new Set(query).size} distinct terms, not 10: ${query.join(" ")}`);

  let input: LoadedInput = { name: "", text: "" };
  let sentences: string[] | undefined;
  let documents: string[][] | undefined;

  const branch = (type: "research" | "analysis"): BranchOutcome => {
    const work: BranchWork = {
      run_id: "bench-input-size",
      branch_id: `${type}_1`,
      objective: OBJECTIVE,
      task: {
        id: "t1",
        type,
        description: type === "research" ? RESEARCH_DESCRIPTION : ANALYSIS_DESCRIPTION,
        ...(type === "research" ? { focus: "market" as const } : {}),
        priority: "normal",
        depends_on: [],
        inputs: [], // references to stored inputs; the texts themselves are in work.inputs
      },
      inputs: [input],
      agent: { agent_id: `bench_${type}`, agent_type: `${type}_specialist`, parameters: {} },
      signal: new AbortController().signal,
      timeout_seconds: 300,
    };
    return type === "research" ? researchFindings(work) : analyzeInputs(work);
  };
  const outcomeNote = (o: BranchOutcome) => `${o.findings.length} findings, quality ${o.quality}` +
    (o.statistics ? `, ${o.statistics.length} numeric columns` : "");

  /**
   * One timed run; returns ms and a note on the result. No forced GC before it: a full collection shrinks the heap,
   * and the run after it then pays for growing it again (up to 2x the steady-state time at 1 MB).
   */
  const measure = (m: Measure): { ms: number; note?: string } => {
    const t0 = performance.now();
    switch (m) {
      case "split": {
        const result = splitSentences(input.text);
        const ms = performance.now() - t0;
        sentences = result;
        return { ms, note: `${result.length} sentences` };
      }
      case "tokenize": {
        const tokens = tokenize(input.text);
        return { ms: performance.now() - t0, note: `${tokens.length} tokens` };
      }
      case "bm25": {
        if (documents === undefined) throw new Error("prepare-bm25 first");
        const scores = rankBm25(documents, query);
        const ms = performance.now() - t0;
        let matched = 0;
        for (const s of scores) if (s > 0) matched++;
        return { ms, note: `${matched} of ${documents.length} sentences matched` };
      }
      case "research":
      case "analysis": {
        const outcome = branch(m);
        return { ms: performance.now() - t0, note: outcomeNote(outcome) };
      }
    }
  };

  const handle = (req: Request): Reply => {
    switch (req.op) {
      case "load": {
        sentences = undefined;
        documents = undefined;
        input = { name: KIND_FILE_NAMES[req.kind], text: generateInput(req.kind, req.bytes) };
        return { ok: true, ms: 0, chars: input.text.length };
      }
      case "warmup": {
        input = { name: KIND_FILE_NAMES[req.kind], text: generateInput(req.kind, 200_000, 7) };
        sentences = undefined;
        documents = undefined;
        for (let i = 0; i < 3; i++) {
          for (const m of measuresOf(req.kind)) {
            if (m === "bm25") documents = (sentences ?? splitSentences(input.text)).map(tokenize);
            measure(m);
          }
        }
        input = { name: "", text: "" };
        sentences = undefined;
        documents = undefined;
        return { ok: true, ms: 0 };
      }
      case "prepare-bm25": {
        sentences ??= splitSentences(input.text);
        documents ??= sentences.map(tokenize);
        return { ok: true, ms: 0 };
      }
      case "measure":
        return { ok: true, ...measure(req.measure) };
    }
  };

  process.on("message", (req: Request) => {
    let reply: Reply;
    try {
      reply = handle(req);
    } catch (error) {
      reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    process.send!(reply);
  });
  process.on("disconnect", () => process.exit(0));
}
