import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fitTogether, ResourcePool, ResourceUnavailableError } from "../../src/agents/resource-pool.js";
import { mulberry32 } from "../helpers/scripted-provider/latency.js";

const pool2 = () => new ResourcePool({ cpu: 2, memory_mb: 1024 });
const never = () => new AbortController().signal;

/** Lets pending promise continuations run (no timers). */
async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await Promise.resolve();
}

/** A small deterministic PRNG (mulberry32). */
const prng = mulberry32;

describe("ResourcePool accounting", () => {
  test("allocate and release", () => {
    const pool = pool2();
    assert.ok(pool.canAllocate({ cpu: 2, memory_mb: 1024 }));
    const r1 = pool.allocate({ cpu: 0.5, memory_mb: 256 });
    const r2 = pool.allocate({ cpu: 1, memory_mb: 512 });
    assert.deepEqual(pool.usage(), { cpu: 1.5, memory_mb: 768 });
    assert.deepEqual(pool.free(), { cpu: 0.5, memory_mb: 256 });
    assert.ok(pool.canAllocate({ cpu: 0.5, memory_mb: 256 }));
    assert.ok(!pool.canAllocate({ cpu: 0.6, memory_mb: 10 }));
    assert.ok(!pool.canAllocate({ cpu: 0.1, memory_mb: 257 }));
    r1();
    assert.deepEqual(pool.usage(), { cpu: 1, memory_mb: 512 });
    r2();
    assert.deepEqual(pool.usage(), { cpu: 0, memory_mb: 0 });
  });

  test("allocate beyond free throws ResourceUnavailableError naming the free capacity", () => {
    const pool = pool2();
    pool.allocate({ cpu: 1.5, memory_mb: 1000 });
    assert.throws(() => pool.allocate({ cpu: 1, memory_mb: 10 }), (error: unknown) => {
      assert.ok(error instanceof ResourceUnavailableError);
      assert.match((error as Error).message, /cpu 0\.5 of 2/);
      assert.match((error as Error).message, /24 of 1024 MB/);
      return true;
    });
    assert.deepEqual(pool.usage(), { cpu: 1.5, memory_mb: 1000 });
  });

  test("release is idempotent", () => {
    const pool = pool2();
    const keep = pool.allocate({ cpu: 1, memory_mb: 100 });
    const release = pool.allocate({ cpu: 0.5, memory_mb: 200 });
    release();
    release();
    assert.deepEqual(pool.usage(), { cpu: 1, memory_mb: 100 });
    keep();
    assert.deepEqual(pool.usage(), { cpu: 0, memory_mb: 0 });
  });

  test("fractional cpu adds up without drift", () => {
    const pool = new ResourcePool({ cpu: 0.3, memory_mb: 30 });
    const releases = [0, 1, 2].map(() => pool.allocate({ cpu: 0.1, memory_mb: 10 }));
    assert.ok(!pool.canAllocate({ cpu: 0.1, memory_mb: 0 }));
    for (const r of releases) r();
    assert.deepEqual(pool.usage(), { cpu: 0, memory_mb: 0 });
  });

  test("availability: free cpu share and how many of the run's branches fit together, in order", () => {
    const pool = pool2();
    pool.allocate({ cpu: 0.5, memory_mb: 256 });
    // free {1.5, 768}: cpu 1.5/2; three research agents {0.25, 128} and two analysis agents {0.5, 128} take 1.75 cpu
    const run = [...Array(3).fill({ cpu: 0.25, memory_mb: 128 }), ...Array(2).fill({ cpu: 0.5, memory_mb: 128 })];
    assert.deepEqual(pool.availability(run), { cpu: 0.75, max_concurrent: 4 });
    // memory bounds it too: the second {0.25, 512} would need 1024 MB
    assert.deepEqual(pool.availability([{ cpu: 0.25, memory_mb: 512 }, { cpu: 0.25, memory_mb: 512 }]), { cpu: 0.75, max_concurrent: 1 });
    // a big agent first stops the count even when smaller ones after it would fit
    assert.equal(pool.availability([{ cpu: 2, memory_mb: 1 }, { cpu: 0.25, memory_mb: 1 }]).max_concurrent, 0);
    pool.allocate({ cpu: 1.5, memory_mb: 768 });
    assert.deepEqual(pool.availability(run), { cpu: 0, max_concurrent: 0 });
  });

  test("availability on an idle pool of 2 cpu: the five-branch run (1.75 cpu) fits in one wave", () => {
    const run = [...Array(3).fill({ cpu: 0.25, memory_mb: 128 }), ...Array(2).fill({ cpu: 0.5, memory_mb: 128 })];
    assert.equal(pool2().availability(run).max_concurrent, 5);
    assert.equal(fitTogether([], { cpu: 1, memory_mb: 1 }), 0);
  });
});

describe("ResourcePool.acquire", () => {
  test("allocates at once when free", async () => {
    const pool = pool2();
    const release = await pool.acquire({ cpu: 2, memory_mb: 1024 }, never());
    assert.deepEqual(pool.usage(), { cpu: 2, memory_mb: 1024 });
    release();
    assert.deepEqual(pool.usage(), { cpu: 0, memory_mb: 0 });
  });

  test("waits while full and resolves when another allocation is released", async () => {
    const pool = pool2();
    const first = pool.allocate({ cpu: 1.5, memory_mb: 512 });
    let resolved = false;
    const waiting = pool.acquire({ cpu: 1, memory_mb: 256 }, never()).then((r) => { resolved = true; return r; });
    await flush();
    assert.equal(resolved, false);
    assert.deepEqual(pool.usage(), { cpu: 1.5, memory_mb: 512 });
    first();
    const second = await waiting;
    assert.equal(resolved, true);
    assert.deepEqual(pool.usage(), { cpu: 1, memory_mb: 256 });
    second();
    assert.deepEqual(pool.usage(), { cpu: 0, memory_mb: 0 });
  });

  test("keeps waiting when a release frees too little", async () => {
    const pool = pool2();
    const a = pool.allocate({ cpu: 1, memory_mb: 100 });
    const b = pool.allocate({ cpu: 1, memory_mb: 100 });
    let resolved = false;
    const waiting = pool.acquire({ cpu: 2, memory_mb: 100 }, never()).then((r) => { resolved = true; return r; });
    a();
    await flush();
    assert.equal(resolved, false);
    b();
    (await waiting)();
    assert.equal(resolved, true);
    assert.deepEqual(pool.usage(), { cpu: 0, memory_mb: 0 });
  });

  test("rejects when its signal aborts, and takes nothing", async () => {
    const pool = pool2();
    const full = pool.allocate({ cpu: 2, memory_mb: 1024 });
    const controller = new AbortController();
    const waiting = pool.acquire({ cpu: 1, memory_mb: 1 }, controller.signal);
    await flush();
    controller.abort();
    await assert.rejects(waiting);
    full();
    assert.deepEqual(pool.usage(), { cpu: 0, memory_mb: 0 });
  });

  test("rejects at once on an aborted signal when it would have to wait", async () => {
    const pool = pool2();
    pool.allocate({ cpu: 2, memory_mb: 1024 });
    await assert.rejects(pool.acquire({ cpu: 1, memory_mb: 1 }, AbortSignal.abort()));
  });

  test("a request larger than the whole capacity rejects at once", async () => {
    const pool = pool2();
    await assert.rejects(pool.acquire({ cpu: 3, memory_mb: 10 }, never()), ResourceUnavailableError);
    await assert.rejects(pool.acquire({ cpu: 1, memory_mb: 2048 }, never()), ResourceUnavailableError);
    assert.deepEqual(pool.usage(), { cpu: 0, memory_mb: 0 });
  });

  test("200 concurrent random acquire/release never exceed capacity and leave nothing behind", async () => {
    const capacity = { cpu: 2, memory_mb: 1024 };
    const pool = new ResourcePool(capacity);
    const random = prng(42);
    const cpus = [0.1, 0.25, 0.3, 0.5, 0.7, 1, 2];
    const mems = [16, 64, 100, 256, 512, 1024];
    let mine = { cpu: 0, memory_mb: 0 };
    let peakCpu = 0;
    let sections = 0;
    const violations: string[] = [];
    const jobs = Array.from({ length: 200 }, async (_, i) => {
      const need = { cpu: cpus[Math.floor(random() * cpus.length)]!, memory_mb: mems[Math.floor(random() * mems.length)]! };
      const startTicks = Math.floor(random() * 4);
      const holdTicks = 1 + Math.floor(random() * 6);
      await flush(startTicks);
      const release = await pool.acquire(need, never());
      mine = { cpu: mine.cpu + need.cpu, memory_mb: mine.memory_mb + need.memory_mb };
      const used = pool.usage();
      if (used.cpu > capacity.cpu + 1e-9 || used.memory_mb > capacity.memory_mb) violations.push(`job ${i}: pool usage ${JSON.stringify(used)}`);
      if (mine.cpu > capacity.cpu + 1e-9 || mine.memory_mb > capacity.memory_mb) violations.push(`job ${i}: held ${JSON.stringify(mine)}`);
      peakCpu = Math.max(peakCpu, mine.cpu);
      sections++;
      await flush(holdTicks);
      mine = { cpu: mine.cpu - need.cpu, memory_mb: mine.memory_mb - need.memory_mb };
      release();
      release(); // idempotent even under load
    });
    await Promise.all(jobs);
    assert.deepEqual(violations, []);
    assert.equal(sections, 200);
    assert.ok(peakCpu > 1, `expected real contention, peak cpu ${peakCpu}`);
    assert.deepEqual(pool.usage(), { cpu: 0, memory_mb: 0 });
    assert.deepEqual(pool.free(), capacity);
  });
});
