/**
 * Pruning of finished runs' checkpoints (SQLite): a finished run keeps its last one (its final state) and those a
 * fork starts from. Plain SQL on the saver's tables, so it loads nothing of LangGraph.
 */
import type { Statement } from "better-sqlite3";
import { ENTRIES_TYPE } from "./checkpoint-entries.js";
import { VERSIONS_KEY } from "./checkpoint-layout.js";
import type { Db } from "./database.js";

/** The condition, on a row of `checkpoints`, that node `node` was about to run there: its trigger channel holds a value. */
function nextIs(node: string): string {
  const channel = JSON.stringify(`branch:to:${node}`).replace(/'/g, "''");
  return `json_type(CAST(checkpoint AS TEXT), '$.channel_values.${VERSIONS_KEY}.${channel}') IS NOT NULL
    OR json_type(CAST(checkpoint AS TEXT), '$.channel_values.${channel}') IS NOT NULL`;
}

/**
 * Deletes the checkpoints of a finished run but its last one and those at which a node of `keepWhenNext` was about
 * to run (the points a fork starts from), with the pending writes of those deleted and what only they refer to.
 * Only for finished runs: resuming a paused or running thread may need the writes of its previous checkpoint.
 */
export function createCheckpointPruner(db: Db): (threadId: string, keepWhenNext?: readonly string[]) => number {
  // Prepared on first use (the saver creates its tables lazily, on its first checkpoint), once per list of nodes kept.
  const prepared = new Map<string, { writes: Statement; checkpoints: Statement; blobs: Statement; entries: Statement }>();
  const statements = (keep: readonly string[]) => ({
    checkpoints: db.prepare(`DELETE FROM checkpoints WHERE thread_id = @t AND checkpoint_id <
      (SELECT MAX(checkpoint_id) FROM checkpoints WHERE thread_id = @t)${keep.length ? ` AND NOT (${keep.map(nextIs).join(" OR ")})` : ""}`),
    writes: db.prepare(`DELETE FROM writes WHERE thread_id = @t AND NOT EXISTS (SELECT 1 FROM checkpoints c
      WHERE c.thread_id = @t AND c.checkpoint_ns = writes.checkpoint_ns AND c.checkpoint_id = writes.checkpoint_id)`),
    // Channel values no remaining checkpoint refers to (the versions referred to are listed once, not per value).
    blobs: db.prepare(`DELETE FROM conductor_checkpoint_blobs WHERE thread_id = @t
      AND (checkpoint_ns, channel, version) NOT IN (SELECT c.checkpoint_ns, j.key, CAST(j.value AS TEXT)
        FROM checkpoints c, json_each(CAST(c.checkpoint AS TEXT), '$.channel_values.${VERSIONS_KEY}') j WHERE c.thread_id = @t)`),
    // Map entries no remaining manifest lists.
    entries: db.prepare(`DELETE FROM conductor_checkpoint_entries WHERE thread_id = @t
      AND (checkpoint_ns, channel, hash) NOT IN (SELECT b.checkpoint_ns, b.channel, j.value
        FROM conductor_checkpoint_blobs b, json_each(CAST(b.value AS TEXT)) j WHERE b.thread_id = @t AND b.type = '${ENTRIES_TYPE}')`),
  });
  return (threadId, keepWhenNext = []) => {
    const key = keepWhenNext.join("\u0000");
    let stmts = prepared.get(key);
    if (!stmts) prepared.set(key, stmts = statements(keepWhenNext));
    const { writes, checkpoints, blobs, entries } = stmts;
    return db.transaction(() => {
      const pruned = checkpoints.run({ t: threadId }).changes;
      writes.run({ t: threadId });
      blobs.run({ t: threadId });
      entries.run({ t: threadId });
      return pruned;
    }).immediate();
  };
}
