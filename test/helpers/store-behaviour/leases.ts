/**
 * What every backend's LeaseStorage must do: one process drives a run. `claimOrphans` returns what it claimed
 * oldest run first, ties by run_id ascending (as idsWithStatus).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import os from "node:os";
import { createRuns, LEASE_MS, newRun, withStores, type OpenStores } from "./harness.js";

const free = { owner: null, lease_expires_at: null };
/** The pid of a process of this host that has exited. */
const exitedPid = () => spawnSync(process.execPath, ["-e", "0"]).pid!;

export function defineLeaseBehaviour(open: OpenStores): void {
  describe("leases", () => {
    test("claim: free, ours or expired; renew; release only our own; releaseAll; an unknown run", () => withStores(open, async (h) => {
      const { a, b, backdoor } = h;
      await createRuns(h, [["lease-1", 0], ["lease-2", 1], ["lease-3", 2]]);
      const now = Date.now();
      assert.deepEqual(await backdoor.leaseOf("lease-1"), free);
      assert.equal(await a.leases.claim("lease-1", now), true);
      assert.deepEqual(await backdoor.leaseOf("lease-1"), { owner: a.leases.owner.id, lease_expires_at: now + LEASE_MS });
      assert.equal(await b.leases.claim("lease-1", now), false, "held by a");
      assert.equal(await a.leases.claim("lease-1", now + 1), true, "ours: claimed again, and extended");
      assert.equal(await a.leases.claim("no-such-run", now), false);
      await a.leases.renew(["lease-1", "no-such-run"], now + LEASE_MS - 1);
      assert.equal((await backdoor.leaseOf("lease-1"))!.lease_expires_at, now + 2 * LEASE_MS - 1);
      assert.equal(await b.leases.claim("lease-1", now + LEASE_MS + 1), false, "renewed");
      assert.equal(await b.leases.claim("lease-1", now + 2 * LEASE_MS - 1), false, "expires after, not at, its time");
      assert.equal(await b.leases.claim("lease-1", now + 2 * LEASE_MS), true, "expired");
      await a.leases.renew(["lease-1"], now + 10 * LEASE_MS);
      assert.equal((await backdoor.leaseOf("lease-1"))!.owner, b.leases.owner.id, "renewing someone else's lease is a no-op");
      await a.leases.release("lease-1");
      assert.equal(await a.leases.claim("lease-1", now + 2 * LEASE_MS), false, "releasing someone else's lease is a no-op");
      await b.leases.release("lease-1");
      assert.deepEqual(await backdoor.leaseOf("lease-1"), free);
      assert.equal(await a.leases.claim("lease-1", now), true, "free");
      assert.equal(await a.leases.claim("lease-2", now), true);
      assert.equal(await b.leases.claim("lease-3", now), true);
      await a.leases.renew([], now);
      await a.leases.releaseAll();
      assert.deepEqual([await backdoor.leaseOf("lease-1"), await backdoor.leaseOf("lease-2")], [free, free]);
      assert.equal((await backdoor.leaseOf("lease-3"))!.owner, b.leases.owner.id, "releaseAll releases only our own");
      await a.leases.release("no-such-run");
    }));

    test("a run created with a lease is held by its starter; a lease of a dead process of this host is taken at once", () => withStores(open, async ({ a, b, backdoor }) => {
      const now = Date.now();
      assert.equal(await a.runs.create(newRun("leased", "p", { lease: { owner: a.leases.owner.id, expires_at: now + LEASE_MS } })), true);
      assert.deepEqual(await backdoor.leaseOf("leased"), { owner: a.leases.owner.id, lease_expires_at: now + LEASE_MS });
      assert.equal(await b.leases.claim("leased", now), false);
      assert.deepEqual(await b.leases.claimOrphans(now), [], "not an orphan");
      assert.equal(await a.runs.create(newRun("dead")), true);
      await backdoor.setLease("dead", { owner: `${os.hostname()}:${exitedPid()}:deadbeef`, lease_expires_at: now + 10 * LEASE_MS });
      assert.equal(await b.leases.claim("dead", now), true);
      assert.equal((await backdoor.leaseOf("dead"))!.owner, b.leases.owner.id);
    }));

    test("claimOrphans: running runs nobody live drives, claimed once between processes at once; oldest first, ties by run_id; never our own", () => withStores(open, async (h) => {
      const { a, b, backdoor } = h;
      const c = await h.another();
      const now = Date.now();
      // Ties in created_at, created out of id order.
      await createRuns(h, [["o-z", 1], ["o-a", 1], ["o-first", 0], ["o-m", 1], ["o-last", 3], ["held", 2], ["finished", 2], ["o-b", 2]]);
      for (let i = 0; i < 20; i++) await createRuns(h, [[`o-${String(i).padStart(2, "0")}`, 4 + (i % 4)]]);
      const order = ["o-first", "o-a", "o-m", "o-z", "held", "o-b", "o-last",
        ...[0, 1, 2, 3].flatMap((k) => Array.from({ length: 5 }, (_, j) => `o-${String(4 * j + k).padStart(2, "0")}`))];
      const orphans = order.filter((id) => id !== "held");
      await backdoor.setLease("o-a", { owner: "elsewhere:1:x", lease_expires_at: now - 1 });
      await backdoor.setLease("o-m", { owner: `${os.hostname()}:${exitedPid()}:x`, lease_expires_at: now + LEASE_MS });
      await backdoor.setLease("held", { owner: "elsewhere:1:y", lease_expires_at: now + LEASE_MS });
      await a.runs.update("finished", { status: "completed" });
      const [ofA, ofB, ofC] = await Promise.all([a.leases.claimOrphans(now), b.leases.claimOrphans(now), c.leases.claimOrphans(now)]);
      const all = [...ofA, ...ofB, ...ofC];
      assert.equal(new Set(all).size, all.length, "no run claimed twice");
      assert.deepEqual([...all].sort(), [...orphans].sort());
      const inOrder = (ids: string[]) => order.filter((id) => ids.includes(id));
      for (const ids of [ofA, ofB, ofC]) assert.deepEqual(ids, inOrder(ids), "oldest first, ties by run_id");
      for (const id of orphans) {
        const owner = (await backdoor.leaseOf(id))!.owner;
        assert.equal(owner, (ofA.includes(id) ? a : ofB.includes(id) ? b : c).leases.owner.id, id);
      }
      assert.equal((await backdoor.leaseOf("held"))!.owner, "elsewhere:1:y", "a live lease stays");
      assert.deepEqual(await backdoor.leaseOf("finished"), free, "a finished run is no orphan");
      assert.deepEqual(await a.leases.claimOrphans(now), [], "our own runs are not orphans to us, nor the others' live leases");
      assert.deepEqual(await a.leases.claimOrphans(now + 2 * LEASE_MS), inOrder([...ofB, ...ofC, "held"]), "expired: the others' and 'held', not our own");
    }));
  });
}
