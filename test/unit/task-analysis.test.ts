import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { analyzeTasks, chooseMode, round4, taskComplexity, type TaskAnalysis } from "../../src/orchestration/task-analysis.js";
import type { InputRef, Task } from "../../src/domain/task.js";

function task(id: string, overrides: Partial<Task> = {}): Task {
  return { id, type: "research", description: "x", priority: "normal", depends_on: [], inputs: [], ...overrides };
}

const inline = (chars: number): InputRef => ({ kind: "inline", index: 0, name: "in.txt", chars });
const file = (bytes: number): InputRef => ({ kind: "path", path: "/d/f.txt", name: "f.txt", bytes });
const analysis = (complexity_score: number, interdependency_score: number): TaskAnalysis => ({ complexity_score, interdependency_score });
const roomy = { cpu: 0.9, max_concurrent: 8 };

describe("chooseMode thresholds", () => {
  test("complexity exactly 0.8 is not parallel", () => {
    const c = chooseMode(analysis(0.8, 0), roomy, null);
    assert.equal(c.mode, "adaptive");
    assert.equal(c.wave_size, 3);
    assert.equal(c.source, "analyzer");
  });

  test("complexity 0.81 with cpu 0.71 is parallel", () => {
    const c = chooseMode(analysis(0.81, 0), { cpu: 0.71, max_concurrent: 8 }, null);
    assert.equal(c.mode, "parallel");
    assert.equal(c.wave_size, 5);
    assert.equal(c.source, "analyzer");
  });

  test("cpu exactly 0.7 is not parallel", () => {
    assert.equal(chooseMode(analysis(0.95, 0), { cpu: 0.7, max_concurrent: 8 }, null).mode, "adaptive");
  });

  test("high complexity but low cpu with high interdependency falls through to sequential", () => {
    const c = chooseMode(analysis(0.95, 0.9), { cpu: 0.2, max_concurrent: 8 }, null);
    assert.equal(c.mode, "sequential");
    assert.equal(c.wave_size, 1);
  });

  test("parallel takes precedence over interdependency", () => {
    assert.equal(chooseMode(analysis(0.9, 0.9), roomy, null).mode, "parallel");
  });

  test("interdependency exactly 0.6 is not sequential, 0.61 is", () => {
    assert.equal(chooseMode(analysis(0.1, 0.6), roomy, null).mode, "adaptive");
    const c = chooseMode(analysis(0.1, 0.61), roomy, null);
    assert.equal(c.mode, "sequential");
    assert.equal(c.wave_size, 1);
    assert.equal(c.source, "analyzer");
  });

  test("parallel wave is min(5, max_concurrent) and at least 1", () => {
    const wave = (max_concurrent: number) => chooseMode(analysis(0.9, 0), { cpu: 0.9, max_concurrent }, null).wave_size;
    assert.equal(wave(12), 5);
    assert.equal(wave(5), 5);
    assert.equal(wave(3), 3);
    assert.equal(wave(1), 1);
    assert.equal(wave(0), 1);
  });
});

describe("chooseMode with a caller-requested mode", () => {
  test("overrides the analyzer with wave 5 / 1 / 3 and source caller", () => {
    const parallel = chooseMode(analysis(0, 1), roomy, "parallel");
    assert.deepEqual([parallel.mode, parallel.wave_size, parallel.source], ["parallel", 5, "caller"]);
    const sequential = chooseMode(analysis(0.99, 0), roomy, "sequential");
    assert.deepEqual([sequential.mode, sequential.wave_size, sequential.source], ["sequential", 1, "caller"]);
    const adaptive = chooseMode(analysis(0.99, 0.99), roomy, "adaptive");
    assert.deepEqual([adaptive.mode, adaptive.wave_size, adaptive.source], ["adaptive", 3, "caller"]);
    assert.match(adaptive.reason, /requested by the caller/);
  });

  test("requested parallel still bounds its wave by the free pool", () => {
    assert.equal(chooseMode(analysis(0, 0), { cpu: 0.1, max_concurrent: 2 }, "parallel").wave_size, 2);
    assert.equal(chooseMode(analysis(0, 0), { cpu: 0, max_concurrent: 0 }, "parallel").wave_size, 1);
  });
});

describe("taskComplexity", () => {
  test("uses an explicit complexity as given", () => {
    assert.equal(taskComplexity(task("a", { complexity: 0.42, description: "y".repeat(600) }), 20), 0.42);
  });

  test("hand-computed estimate: half of every dimension -> 0.5", () => {
    // 0.35 * 300/600 + 0.4 * 25000/50000 + 0.25 * 10/20
    const t = task("a", { description: "d".repeat(300), inputs: [inline(15_000), file(10_000)] });
    assert.equal(taskComplexity(t, 10), 0.5);
  });

  test("hand-computed estimate: description only", () => {
    // 0.35 * 60/600 + 0 + 0.25 * 1/20 = 0.035 + 0.0125
    assert.equal(taskComplexity(task("a", { description: "d".repeat(60) }), 1), 0.0475);
  });

  test("grows with description length, input volume and task count", () => {
    const base = task("a", { description: "d".repeat(100), inputs: [inline(1000)] });
    const c0 = taskComplexity(base, 2);
    assert.ok(taskComplexity({ ...base, description: "d".repeat(400) }, 2) > c0);
    assert.ok(taskComplexity({ ...base, inputs: [inline(1000), file(20_000)] }, 2) > c0);
    assert.ok(taskComplexity(base, 10) > c0);
  });

  test("stays within 0..1 at the extremes", () => {
    assert.equal(taskComplexity(task("a", { description: "d".repeat(4000), inputs: [inline(10_000_000)] }), 500), 1);
    const tiny = taskComplexity(task("a", { description: "d" }), 0);
    assert.ok(tiny >= 0 && tiny < 0.001, `got ${tiny}`);
  });
});

describe("analyzeTasks", () => {
  test("empty list scores 0 on both dimensions", () => {
    assert.deepEqual(analyzeTasks([]), { complexity_score: 0, interdependency_score: 0 });
  });

  test("averages explicit and estimated complexity; interdependency is the share with depends_on", () => {
    // t1 explicit 0.9; t2: 0.35 * 60/600 + 0.25 * 2/20 = 0.035 + 0.025 = 0.06; mean 0.48
    const r = analyzeTasks([
      task("t1", { complexity: 0.9 }),
      task("t2", { description: "d".repeat(60), depends_on: ["t1"] }),
    ]);
    assert.deepEqual(r, { complexity_score: 0.48, interdependency_score: 0.5 });
  });

  test("interdependency is rounded to 4 decimals", () => {
    const r = analyzeTasks([
      task("t1", { complexity: 0.3 }), task("t2", { complexity: 0.3 }), task("t3", { complexity: 0.3, depends_on: ["t1", "t2"] }),
    ]);
    assert.equal(r.interdependency_score, 0.3333);
    assert.equal(r.complexity_score, 0.3);
  });

  test("explicit high complexity over a roomy pool leads to parallel", () => {
    const tasks = [task("t1", { complexity: 0.9 }), task("t2", { complexity: 0.85 })];
    assert.equal(chooseMode(analyzeTasks(tasks), roomy, null).mode, "parallel");
  });

  test("round4 rounds to 4 decimals", () => {
    assert.equal(round4(0.123449), 0.1234);
    assert.equal(round4(2 / 3), 0.6667);
  });
});
