import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createBuiltinExecutor } from "../../src/agents/executors/builtin.js";
import { loadBuilt } from "../helpers/built.js";
import type * as WorkerPoolModule from "../../src/agents/offthread/worker-pool.js";
import { researchFindings } from "../../src/agents/executors/builtin-research.js";
import { analyzeInputs, MAX_ANALYSIS_FINDINGS, MAX_STATISTICS } from "../../src/agents/executors/builtin-analysis.js";
import type { BranchWork, LoadedInput } from "../../src/agents/executors/types.js";
import type { Task } from "../../src/domain/task.js";

function work(task: Partial<Task>, inputs: LoadedInput[], parameters: Record<string, unknown> = {}): BranchWork {
  return {
    run_id: "r",
    branch_id: "t1",
    objective: "o",
    task: { id: "t1", type: "research", description: "x", priority: "normal", depends_on: [], inputs: [], ...task },
    inputs,
    agent: { agent_id: "a1", agent_type: "research_specialist", parameters },
    signal: new AbortController().signal,
    timeout_seconds: 300,
  };
}

const NOTES = `# Notes
The weather in the valley was pleasant all week long.
Battery prices for electric vehicles fell sharply during the last quarter.
Our team had lunch together on Friday afternoon.`;

const REPORT = `Electric vehicle battery supply chains are consolidating quickly.
A local bakery opened a new shop downtown last spring.`;

describe("builtin research", () => {
  test("findings come from the inputs, best first, with their source names", () => {
    const outcome = researchFindings(work(
      { description: "electric vehicle battery prices" },
      [{ name: "notes.md", text: NOTES }, { name: "report.txt", text: REPORT }],
    ));
    assert.equal(outcome.findings.length, 2);
    assert.deepEqual(outcome.findings[0], {
      text: "Battery prices for electric vehicles fell sharply during the last quarter.",
      source: "notes.md",
      score: 1,
    });
    assert.equal(outcome.findings[1]?.source, "report.txt");
    assert.equal(outcome.findings[1]?.text, "Electric vehicle battery supply chains are consolidating quickly.");
    const second = outcome.findings[1]?.score ?? 1;
    assert.ok(second > 0 && second < 1);
    // coverage 1 (all 4 description terms found), 2 findings, 2 sources
    assert.equal(outcome.quality, 0.82);
    assert.ok(outcome.notes?.some((n) => n.includes("coverage")));
  });

  test("a relevant sentence beats an irrelevant one, which is not reported", () => {
    const outcome = researchFindings(work(
      { description: "quarterly revenue growth" },
      [{ name: "a.md", text: "The office plants need watering twice a week. Quarterly revenue growth reached twelve percent." }],
    ));
    assert.deepEqual(outcome.findings.map((f) => f.text), ["Quarterly revenue growth reached twelve percent."]);
  });

  test("the focus changes the ranking", () => {
    const text = [
      "The system architecture and its performance were reviewed by engineering.",
      "Customers pay a higher price and demand keeps growing in the market.",
    ].join("\n\n");
    const inputs = [{ name: "mixed.md", text }];
    const technical = researchFindings(work({ description: "overview of the product", focus: "technical" }, inputs));
    const market = researchFindings(work({ description: "overview of the product", focus: "market" }, inputs));
    assert.match(technical.findings[0]?.text ?? "", /architecture/);
    assert.match(market.findings[0]?.text ?? "", /Customers/);
  });

  test("reviewer feedback adds query terms", () => {
    const inputs = [{ name: "a.md", text: "Tariffs on imported steel rose again this year. Unrelated words about gardens and flowers." }];
    const before = researchFindings(work({ description: "supplier overview" }, inputs));
    const after = researchFindings(work({ description: "supplier overview", feedback: ["cover steel tariffs"] }, inputs));
    assert.equal(before.findings.length, 0);
    assert.deepEqual(after.findings.map((f) => f.text), ["Tariffs on imported steel rose again this year."]);
  });

  test("maxFindings caps the findings and identical sentences are reported once", () => {
    const line = "Market demand for solar panels keeps rising.";
    const inputs = [{ name: "a.md", text: `${line}\n\n${line}\n\nSolar market prices fell this year.\n\nSolar demand is seasonal in the market.` }];
    const all = researchFindings(work({ description: "solar market demand" }, inputs));
    assert.equal(all.findings.filter((f) => f.text === line).length, 1);
    assert.equal(all.findings.length, 3);
    const one = researchFindings(work({ description: "solar market demand" }, inputs), { maxFindings: 1 });
    assert.equal(one.findings.length, 1);
  });

  test("no inputs -> no findings, quality <= 0.05, a note saying why", () => {
    const outcome = researchFindings(work({ description: "electric vehicles" }, []));
    assert.deepEqual(outcome.findings, []);
    assert.ok(outcome.quality <= 0.05);
    assert.ok(outcome.notes?.some((n) => n.includes("no inputs")));
  });

  test("no matching sentence -> no findings, quality <= 0.05", () => {
    const outcome = researchFindings(work({ description: "quantum cryptography" }, [{ name: "a.md", text: NOTES }]));
    assert.deepEqual(outcome.findings, []);
    assert.ok(outcome.quality <= 0.05);
    assert.ok(outcome.notes?.some((n) => n.includes("no sentence matched the task terms")));
  });
});

const CSV = "month,value,label\n1,2,a\n2,4,b\n3,4,c\n4,4,d\n5,5,e\n6,5,f\n7,7,g\n8,9,h\n";

describe("builtin analysis", () => {
  const near = (actual: number | undefined, expected: number) =>
    assert.ok(actual !== undefined && Math.abs(actual - expected) < 5e-4, `${actual} != ${expected}`);

  test("numeric CSV columns get mean, sample sd and a Student-t interval", () => {
    const outcome = analyzeInputs(work({ type: "analysis", description: "value statistics" }, [{ name: "data.CSV", text: CSV }]));
    assert.equal(outcome.statistics?.length, 2);
    const value = outcome.statistics?.find((s) => s.column === "value");
    assert.ok(value);
    assert.equal(value.source, "data.CSV");
    assert.equal(value.count, 8);
    near(value.mean, 5);
    near(value.std_dev, 2.138);
    assert.equal(value.min, 2);
    assert.equal(value.max, 9);
    assert.equal(value.confidence_level, 0.95);
    near(value.confidence_interval[0], 3.2125);
    near(value.confidence_interval[1], 6.7875);
    assert.deepEqual(outcome.findings.map((f) => [f.source, f.score]), [["data.CSV", 1], ["data.CSV", 1]]);
    assert.equal(outcome.findings[1]?.text, "value (data.CSV): n=8, mean=5, sd=2.1381, min=2, max=9, 95% CI [3.2125, 6.7875]");
    // 8 rows, 2 numeric columns
    assert.equal(outcome.quality, Math.round((0.6 + 0.2 * (8 / 30) + 0.2 * (2 / 3)) * 1e4) / 1e4);
    assert.equal(outcome.text_statistics, undefined);
  });

  test("a lower confidence level gives a narrower interval", () => {
    const at = (parameters: Record<string, unknown>) => {
      const outcome = analyzeInputs(work({ type: "analysis", description: "d" }, [{ name: "d.csv", text: CSV }], parameters));
      const ci = outcome.statistics?.find((s) => s.column === "value")?.confidence_interval ?? [0, 0];
      return ci[1] - ci[0];
    };
    const wide = at({});
    const narrow = at({ confidence_level: 0.9 });
    assert.ok(narrow < wide, `${narrow} should be < ${wide}`);
    near(wide, 3.575);
  });

  test("a single value has a zero sd and a degenerate interval", () => {
    const outcome = analyzeInputs(work({ type: "analysis", description: "d" }, [{ name: "one.csv", text: "x,y\n3.5,-1e2\n" }]));
    assert.deepEqual(outcome.statistics?.map((s) => [s.column, s.mean, s.std_dev, s.confidence_interval]), [
      ["x", 3.5, 0, [3.5, 3.5]],
      ["y", -100, 0, [-100, -100]],
    ]);
  });

  test("a malformed CSV throws with the input name in the message", () => {
    assert.throws(
      () => analyzeInputs(work({ type: "analysis", description: "d" }, [{ name: "sales.csv", text: "a,b\n1,2\n3\n" }])),
      (error: unknown) => error instanceof Error && error.message.startsWith('input "sales.csv": CSV parse error:'),
    );
    assert.throws(
      () => analyzeInputs(work({ type: "analysis", description: "d" }, [{ name: "q.csv", text: 'a,b\n1,"2\n3,4\n' }])),
      /input "q\.csv": CSV parse error: .*Quote Not Closed/,
    );
  });

  test("a text input gets text statistics and its most relevant sentences", () => {
    const outcome = analyzeInputs(work({ type: "analysis", description: "battery prices" }, [{ name: "notes.md", text: NOTES }]));
    assert.equal(outcome.statistics, undefined);
    assert.deepEqual(outcome.text_statistics, [{
      source: "notes.md",
      characters: Array.from(NOTES).length,
      words: 30, // 1 heading word + 10 + 11 + 8
      sentences: 3, // the one-word heading is not a sentence
      unique_words: 19, // distinct non-stop-word stems
      mean_sentence_words: 9.67, // 29 / 3
    }]);
    assert.deepEqual(outcome.findings.map((f) => f.text), [
      "notes.md: 185 characters, 30 words, 3 sentences (mean 9.67 words per sentence), 19 distinct terms",
      "Battery prices for electric vehicles fell sharply during the last quarter.",
    ]);
    // coverage 1, one text input
    assert.equal(outcome.quality, 0.65);
    assert.ok(outcome.notes?.some((n) => n.startsWith("notes.md: text")));
  });

  test("no inputs -> no findings and quality 0.05", () => {
    const outcome = analyzeInputs(work({ type: "analysis", description: "d" }, []));
    assert.deepEqual(outcome.findings, []);
    assert.equal(outcome.quality, 0.05);
  });

  test("deterministic: the same work twice gives deep-equal outcomes", () => {
    const inputs = [{ name: "d.csv", text: CSV }, { name: "notes.md", text: NOTES }];
    assert.deepEqual(
      analyzeInputs(work({ type: "analysis", description: "battery prices" }, inputs)),
      analyzeInputs(work({ type: "analysis", description: "battery prices" }, inputs)),
    );
    assert.deepEqual(
      researchFindings(work({ description: "battery prices", focus: "market" }, inputs)),
      researchFindings(work({ description: "battery prices", focus: "market" }, inputs)),
    );
  });
});

// The pool as built: its worker threads load dist/ (they do not get tsx's loader on Node 20).
const { createOfflinePool } = await loadBuilt<typeof WorkerPoolModule>("agents/offthread/worker-pool.js");

describe("analysis result size", () => {
  test("a table of 100 numeric columns reports the first 40 statistics and at most 20 findings, and says so", () => {
    const header = Array.from({ length: 100 }, (_, i) => `c${i}`).join(",");
    const rows = Array.from({ length: 5 }, (_, r) => Array.from({ length: 100 }, (_, i) => String(r * i)).join(","));
    const outcome = analyzeInputs(work({ type: "analysis", description: "all columns" }, [{ name: "wide.csv", text: [header, ...rows].join("\n") }]));
    assert.equal(outcome.statistics?.length, MAX_STATISTICS);
    assert.equal(outcome.findings.length, MAX_ANALYSIS_FINDINGS);
    assert.ok(outcome.notes?.some((n) => n === "100 numeric columns; the first 40 are reported"));
  });
});

describe("createBuiltinExecutor", () => {
  // Inline (small inputs) and on a worker thread (inlineMaxChars 0 sends every job to one) must agree.
  const inline = createOfflinePool();
  const threaded = createOfflinePool({ maxThreads: 1, inlineMaxChars: 0 });
  after(() => Promise.all([inline.close(), threaded.close()]));

  for (const [where, pool] of [["inline", inline], ["on a worker thread", threaded]] as const) {
    test(`dispatches on the task type (${where})`, async () => {
      const executor = createBuiltinExecutor(pool);
      assert.equal(executor.name, "builtin");
      const research = await executor.runBranch(work({ description: "battery prices" }, [{ name: "n.md", text: NOTES }]));
      assert.equal(research.findings[0]?.source, "n.md");
      assert.equal(research.statistics, undefined);
      assert.deepEqual(research, researchFindings(work({ description: "battery prices" }, [{ name: "n.md", text: NOTES }])));
      const analysis = await executor.runBranch(work({ type: "analysis", description: "d" }, [{ name: "d.csv", text: CSV }]));
      assert.equal(analysis.statistics?.length, 2);
    });

    test(`rejects with the abort reason when the signal is already aborted (${where})`, async () => {
      const controller = new AbortController();
      const reason = new Error("branch timed out");
      controller.abort(reason);
      const aborted = { ...work({ description: "d" }, []), signal: controller.signal };
      await assert.rejects(createBuiltinExecutor(pool).runBranch(aborted), (error: unknown) => error === reason);
    });

    test(`a malformed CSV rejects the branch (${where})`, async () => {
      const bad = work({ type: "analysis", description: "d" }, [{ name: "bad.csv", text: "a,b\n1,2,3\n" }]);
      await assert.rejects(createBuiltinExecutor(pool).runBranch(bad), /bad\.csv/);
    });
  }

  test("a big job runs on a thread, and aborting it stops the work at once", async () => {
    const pool = createOfflinePool({ maxThreads: 1 });
    after(() => pool.close());
    const big = `${NOTES}\n\n`.repeat(Math.ceil(3_000_000 / NOTES.length));
    const executor = createBuiltinExecutor(pool);
    let started = performance.now();
    await executor.runBranch(work({ description: "battery prices" }, [{ name: "big.md", text: big }]));
    const whole = performance.now() - started;
    assert.equal(pool.threads(), 1, "the job ran on a worker thread");

    const controller = new AbortController();
    const reason = new Error("run cancelled");
    const running = executor.runBranch({ ...work({ description: "battery prices" }, [{ name: "big.md", text: big }]), signal: controller.signal });
    setTimeout(() => controller.abort(reason), whole / 10);
    started = performance.now();
    await assert.rejects(running, (error: unknown) => error === reason);
    const untilRejected = performance.now() - started;
    assert.ok(untilRejected < whole / 2, `aborted after ${untilRejected.toFixed(0)} ms; the whole job takes ${whole.toFixed(0)} ms`);
    // The pool still works after a thread was stopped.
    const again = await executor.runBranch(work({ description: "battery prices" }, [{ name: "n.md", text: NOTES }]));
    assert.equal(again.findings[0]?.source, "n.md");
  });
});
