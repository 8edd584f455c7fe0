import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase } from "../../src/storage/database.js";
import { AgentStore } from "../../src/storage/agent-store.js";
import { type AgentRecord } from "../../src/domain/agent-record.js";
import { ResourcePool, ResourceUnavailableError } from "../../src/agents/resource-pool.js";
import { AgentAllocations } from "../../src/agents/agent-allocations.js";
import type { AgentSpecification } from "../../src/domain/agent-specification.js";
import type { Logger } from "../../src/log.js";

const silent: Logger = { debug() {}, info() {}, warning() {}, error() {} };
const never = () => new AbortController().signal;
const ZERO = { cpu: 0, memory_mb: 0 };

async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await Promise.resolve();
}

function setup(capacity = { cpu: 2, memory_mb: 1024 }) {
  const db = openDatabase(":memory:");
  const store = new AgentStore(db);
  const pool = new ResourcePool(capacity);
  const allocations = new AgentAllocations(store, pool, silent);
  const add = (agent_id: string, opts: { cpu?: number; memory_mb?: number; standalone?: boolean; run_id?: string | null; max?: number } = {}): AgentRecord => {
    const specification = {
      agent_type: "research_specialist", capabilities: ["research"],
      resource_requirements: { cpu: opts.cpu ?? 0.5, memory_mb: opts.memory_mb ?? 256 },
      max_concurrent_tasks: opts.max ?? 3,
    } as unknown as AgentSpecification;
    const standalone = opts.standalone ?? true;
    const [record] = store.record([{ agent_id, principal: "local", agent_type: "research_specialist", run_id: opts.run_id ?? null, task_id: null, standalone, specification }]);
    assert.deepEqual(record, store.get(agent_id));
    assert.deepEqual(record!.specification, specification, "a new id: stored with this specification");
    return record!;
  };
  return { db, store, pool, allocations, add };
}

describe("AgentAllocations: standalone agents", () => {
  test("hold takes the resources, retire gives them back and marks the agent retired", async () => {
    const { store, pool, allocations, add } = setup();
    add("a1");
    allocations.hold("a1", { cpu: 0.5, memory_mb: 256 });
    assert.deepEqual(pool.usage(), { cpu: 0.5, memory_mb: 256 });
    assert.deepEqual(allocations.allocationOf("a1"), { cpu: 0.5, memory_mb: 256 });
    assert.deepEqual(await allocations.retire("a1"), { cpu: 0.5, memory_mb: 256 });
    assert.deepEqual(pool.usage(), ZERO);
    assert.deepEqual(allocations.allocationOf("a1"), ZERO);
    assert.equal(store.get("a1")!.status, "retired");
    await assert.rejects(allocations.retire("a1"), /retired already/);
    assert.deepEqual(pool.usage(), ZERO);
    await assert.rejects(allocations.retire("nope"), /unknown agent_id "nope"/);
  });

  test("hold beyond the free capacity throws ResourceUnavailableError and takes nothing", () => {
    const { pool, allocations, add } = setup();
    add("a1");
    add("a2");
    allocations.hold("a1", { cpu: 1.5, memory_mb: 256 });
    assert.throws(() => allocations.hold("a2", { cpu: 1, memory_mb: 256 }), ResourceUnavailableError);
    assert.deepEqual(pool.usage(), { cpu: 1.5, memory_mb: 256 });
  });

  test("acquire works within the held resources, at most max_concurrent_tasks at once", async () => {
    const { pool, allocations, add } = setup();
    const agent = add("a1", { max: 2 });
    allocations.hold("a1", { cpu: 0.5, memory_mb: 256 });
    const r1 = await allocations.acquire(agent, never());
    const r2 = await allocations.acquire(agent, never());
    assert.deepEqual(pool.usage(), { cpu: 0.5, memory_mb: 256 }, "no more than the held resources");
    let third = false;
    const waiting = allocations.acquire(agent, never()).then((r) => { third = true; return r; });
    await flush();
    assert.equal(third, false, "a third branch waits");
    r1();
    r1(); // idempotent: frees one slot only
    const r3 = await waiting;
    assert.equal(third, true);
    let fourth = false;
    const waiting4 = allocations.acquire(agent, never()).then((r) => { fourth = true; return r; });
    await flush();
    assert.equal(fourth, false, "the double release freed only one slot");
    r2();
    (await waiting4)();
    r3();
    assert.deepEqual(pool.usage(), { cpu: 0.5, memory_mb: 256 });
  });

  test("a waiting standalone acquire rejects when its signal aborts", async () => {
    const { allocations, add } = setup();
    const agent = add("a1", { max: 1 });
    allocations.hold("a1", { cpu: 0.5, memory_mb: 256 });
    const r1 = await allocations.acquire(agent, never());
    const controller = new AbortController();
    const waiting = allocations.acquire(agent, controller.signal);
    await flush();
    controller.abort();
    await assert.rejects(waiting);
    r1();
    (await allocations.acquire(agent, never()))();
  });
});

describe("AgentAllocations: run agents", () => {
  test("acquire takes the requirements from the pool while working", async () => {
    const { pool, allocations, add } = setup();
    const agent = add("run-a", { standalone: false, run_id: "r1", cpu: 0.75, memory_mb: 384 });
    assert.deepEqual(allocations.allocationOf("run-a"), ZERO);
    const r1 = await allocations.acquire(agent, never());
    assert.deepEqual(pool.usage(), { cpu: 0.75, memory_mb: 384 });
    assert.deepEqual(allocations.allocationOf("run-a"), { cpu: 0.75, memory_mb: 384 });
    const r2 = await allocations.acquire(agent, never());
    assert.deepEqual(allocations.allocationOf("run-a"), { cpu: 1.5, memory_mb: 768 });
    r1();
    r1();
    assert.deepEqual(allocations.allocationOf("run-a"), { cpu: 0.75, memory_mb: 384 });
    r2();
    assert.deepEqual(allocations.allocationOf("run-a"), ZERO);
    assert.deepEqual(pool.usage(), ZERO);
  });

  test("a run agent waits while the pool is full", async () => {
    const { pool, allocations, add } = setup();
    const agent = add("run-a", { standalone: false, run_id: "r1", cpu: 1, memory_mb: 256 });
    const blocker = pool.allocate({ cpu: 1.5, memory_mb: 100 });
    let got = false;
    const waiting = allocations.acquire(agent, never()).then((r) => { got = true; return r; });
    await flush();
    assert.equal(got, false);
    assert.deepEqual(allocations.allocationOf("run-a"), ZERO);
    blocker();
    const release = await waiting;
    assert.deepEqual(allocations.allocationOf("run-a"), { cpu: 1, memory_mb: 256 });
    release();
    assert.deepEqual(pool.usage(), ZERO);
  });

  test("retireRun retires only that run's active agents", async () => {
    const { store, allocations, add } = setup();
    add("r1-a", { standalone: false, run_id: "r1" });
    add("r1-b", { standalone: false, run_id: "r1" });
    add("r2-a", { standalone: false, run_id: "r2" });
    add("solo");
    assert.equal(await allocations.retireRun("r1"), 2);
    assert.equal(store.get("r1-a")!.status, "retired");
    assert.equal(store.get("r1-b")!.status, "retired");
    assert.equal(store.get("r2-a")!.status, "active");
    assert.equal(store.get("solo")!.status, "active");
    assert.equal(await allocations.retireRun("r1"), 0, "a second time finds nothing active");
  });
});

describe("AgentAllocations: idle and restore", () => {
  test("retireIdle retires idle standalone agents, not busy ones, not run agents", async () => {
    const { store, pool, allocations, add } = setup();
    add("idle", { cpu: 0.25, memory_mb: 128 });
    const busyAgent = add("busy", { cpu: 0.25, memory_mb: 128 });
    add("run-a", { standalone: false, run_id: "r1" });
    allocations.hold("idle", { cpu: 0.25, memory_mb: 128 });
    allocations.hold("busy", { cpu: 0.25, memory_mb: 128 });
    const release = await allocations.acquire(busyAgent, never());

    assert.deepEqual(await allocations.retireIdle(60), [], "nothing is idle yet");
    const later = new Date(Date.now() + 3600_000);
    assert.deepEqual(await allocations.retireIdle(60, later), ["idle"]);
    assert.equal(store.get("idle")!.status, "retired");
    assert.equal(store.get("busy")!.status, "active");
    assert.equal(store.get("run-a")!.status, "active");
    assert.deepEqual(pool.usage(), { cpu: 0.25, memory_mb: 128 });

    release();
    assert.deepEqual(await allocations.retireIdle(60, later), ["busy"]);
    assert.deepEqual(pool.usage(), ZERO);
  });

  test("restore re-holds active standalone agents and retires one that no longer fits", async () => {
    const { db, store, add } = setup();
    add("s1", { cpu: 0.75, memory_mb: 384 });
    add("s2", { cpu: 0.5, memory_mb: 256 });
    add("s3", { cpu: 0.25, memory_mb: 64 });
    add("gone", { cpu: 0.25, memory_mb: 64 });
    store.retire("gone");
    add("run-a", { standalone: false, run_id: "r1", cpu: 1, memory_mb: 512 });

    // A fresh process with a smaller pool: s1 fits, s2 does not (0.25 cpu left), s3 does.
    const pool = new ResourcePool({ cpu: 1, memory_mb: 512 });
    const fresh = new AgentAllocations(new AgentStore(db), pool, silent);
    await fresh.restore();
    assert.deepEqual(pool.usage(), { cpu: 1, memory_mb: 448 });
    assert.deepEqual(fresh.allocationOf("s1"), { cpu: 0.75, memory_mb: 384 });
    assert.deepEqual(fresh.allocationOf("s3"), { cpu: 0.25, memory_mb: 64 });
    assert.deepEqual(fresh.allocationOf("s2"), ZERO);
    assert.equal(store.get("s2")!.status, "retired");
    assert.equal(store.get("s1")!.status, "active");
    assert.equal(store.get("run-a")!.status, "active");
    assert.deepEqual(fresh.allocationOf("run-a"), ZERO);
  });

  test("restore on a shared database leaves an agent that does not fit active (another process holds it)", async () => {
    const { db, store, add } = setup();
    add("s1", { cpu: 0.75, memory_mb: 384 });
    add("s2", { cpu: 0.5, memory_mb: 256 });
    const pool = new ResourcePool({ cpu: 1, memory_mb: 512 });
    const fresh = new AgentAllocations(new AgentStore(db), pool, silent);
    await fresh.restore(true);
    assert.deepEqual(fresh.allocationOf("s1"), { cpu: 0.75, memory_mb: 384 });
    assert.deepEqual(fresh.allocationOf("s2"), ZERO);
    assert.equal(store.get("s2")!.status, "active", "not retired: it may be another process's");
  });

  test("releaseRetiredElsewhere gives back what this process holds for agents another process retired", async () => {
    const { store, pool, allocations, add } = setup();
    add("kept", { cpu: 0.5, memory_mb: 256 });
    add("elsewhere", { cpu: 0.25, memory_mb: 128 });
    allocations.hold("kept", { cpu: 0.5, memory_mb: 256 });
    allocations.hold("elsewhere", { cpu: 0.25, memory_mb: 128 });
    store.retire("elsewhere"); // as retire_agent on another process does
    assert.deepEqual(await allocations.releaseRetiredElsewhere(), ["elsewhere"]);
    assert.deepEqual(pool.usage(), { cpu: 0.5, memory_mb: 256 });
    assert.deepEqual(allocations.allocationOf("elsewhere"), ZERO);
    assert.deepEqual(await allocations.releaseRetiredElsewhere(), [], "once");
  });

  test("restore with room for all re-holds exactly their requirements", async () => {
    const { db, add } = setup();
    add("s1", { cpu: 0.5, memory_mb: 256 });
    add("s2", { cpu: 0.25, memory_mb: 128 });
    const pool = new ResourcePool({ cpu: 2, memory_mb: 1024 });
    const fresh = new AgentAllocations(new AgentStore(db), pool, silent);
    await fresh.restore();
    assert.deepEqual(pool.usage(), { cpu: 0.75, memory_mb: 384 });
    assert.deepEqual(await fresh.retire("s1"), { cpu: 0.5, memory_mb: 256 });
    assert.deepEqual(pool.usage(), { cpu: 0.25, memory_mb: 128 });
  });
});
