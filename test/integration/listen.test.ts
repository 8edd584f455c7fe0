/**
 * Live updates for MCP 2026-07-28 clients: a `subscriptions/listen` stream naming a run hears
 * `notifications/resources/updated` when the run changes (over stdio and HTTP), a new run
 * `notifications/resources/list_changed`, and a stream on one process hears of a run another process drives
 * (the SQLite change feed polls the runs the streams name; PostgreSQL notifies). 2025-11-25 clients subscribe
 * with resources/subscribe instead (mcp-features.test.ts, multi-process.test.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { call, connect, modernClient, only2026 } from "../helpers/server.js";
import { fiveTaskRequest, readJson, type Status } from "../helpers/workflow.js";

/** Notifications of two kinds as they arrive, and a way to await one that matches. */
function watch(client: ReturnType<typeof modernClient>) {
  const updated: string[] = [];
  let listChanged = 0;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  client.setNotificationHandler("notifications/resources/updated", (n) => { updated.push(n.params.uri); wake(); });
  client.setNotificationHandler("notifications/resources/list_changed", () => { listChanged++; wake(); });
  return {
    updated, listChanged: () => listChanged,
    until: (done: () => boolean) => new Promise<void>((resolve) => {
      const check = () => { if (done()) { waiters.delete(check); resolve(); } };
      waiters.add(check);
      check();
    }),
  };
}

test("a listen stream naming a run hears each change to it, and of new runs; closing it ends them", { skip: only2026, timeout: 60_000 }, async () => {
  const s = await connect();
  try {
    const client = modernClient(s);
    const seen = watch(client);
    const subscription = await client.listen({ resourcesListChanged: true, resourceSubscriptions: ["orchestrator://runs"] });
    assert.deepEqual(subscription.honoredFilter, { resourcesListChanged: true, resourceSubscriptions: ["orchestrator://runs"] });
    const paused = await call<Status>(s.client, "start_workflow", fiveTaskRequest());
    assert.equal(paused.status, "interrupted");
    await seen.until(() => seen.listChanged() >= 1 && seen.updated.includes("orchestrator://runs"));

    const uri = `orchestrator://runs/${paused.run_id}`;
    const second = await client.listen({ resourceSubscriptions: [uri, `${uri}/graph`] });
    const before = seen.updated.length;
    await call(s.client, "approve_interrupt", { run_id: paused.run_id, decision: "approve", wait_seconds: 0 });
    await seen.until(() => seen.updated.slice(before).includes(uri) && seen.updated.slice(before).includes(`${uri}/graph`));
    assert.ok(!seen.updated.includes(`${uri}/timeline`), "the timeline was not listened to");

    await Promise.all([subscription.close(), second.close()]);
    assert.equal(await second.closed, "local");
  } finally {
    await s.close();
  }
});

test("a listen stream on process B hears of a run that process A drives", { skip: only2026, timeout: 90_000 }, async () => {
  const a = await connect();
  const b = await connect({ dbPath: a.dbPath });
  try {
    const paused = await call<Status>(a.client, "start_workflow", fiveTaskRequest({ approvals: ["sync_point"], quality_threshold: 0.1, wait_seconds: 60 }));
    assert.equal(paused.status, "interrupted");
    const uri = `orchestrator://runs/${paused.run_id}`;
    const onB = modernClient(b);
    const seen = watch(onB);
    const subscription = await onB.listen({ resourceSubscriptions: [uri] });
    const done = await call<Status>(a.client, "approve_interrupt", { run_id: paused.run_id, decision: "approve", wait_seconds: 60 });
    assert.equal(done.status, "completed");
    // B hears of the changes made on A (its change feed polls the run its stream names), and reads the outcome.
    await seen.until(() => seen.updated.includes(uri));
    assert.equal((await readJson<Status>(b.client, uri)).status, "completed");
    await subscription.close();
  } finally {
    await a.close();
    await b.close();
  }
});
