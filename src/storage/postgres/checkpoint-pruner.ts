/**
 * Pruning of a finished run's checkpoints on PostgreSQL (see ../checkpointer.ts): a finished run needs only its
 * last checkpoint, its final state. Deletes, in one transaction, the thread's pending writes and checkpoints older
 * than its latest checkpoint, then the channel values (PostgresSaver's `checkpoint_blobs`, one per channel and
 * version) that no remaining checkpoint of the thread and namespace refers to through its `channel_versions`.
 * Only for finished runs: resuming a paused or running thread may need the writes of its previous checkpoint.
 */
import { CHECKPOINT_SCHEMA } from "./checkpointer.js";
import type { PgDatabase } from "./pg-database.js";

const S = `"${CHECKPOINT_SCHEMA}"`;

/** The thread's latest checkpoint id across its namespaces, in byte order (as SQLite's MAX). */
const LATEST = `(SELECT MAX(checkpoint_id COLLATE "C") FROM ${S}.checkpoints WHERE thread_id = $1)`;

export function createPostgresCheckpointPruner(db: PgDatabase): (threadId: string) => Promise<number> {
  return (threadId) => db.transaction(async () => {
    await db.query(`DELETE FROM ${S}.checkpoint_writes WHERE thread_id = $1 AND checkpoint_id COLLATE "C" < ${LATEST}`, [threadId]);
    const pruned = await db.query(`DELETE FROM ${S}.checkpoints WHERE thread_id = $1 AND checkpoint_id COLLATE "C" < ${LATEST}`, [threadId]);
    await db.query(`DELETE FROM ${S}.checkpoint_blobs b WHERE b.thread_id = $1 AND NOT EXISTS (
        SELECT 1 FROM ${S}.checkpoints c WHERE c.thread_id = $1 AND c.checkpoint_ns = b.checkpoint_ns
          AND c.checkpoint -> 'channel_versions' ->> b.channel = b.version)`, [threadId]);
    return pruned.rowCount ?? 0;
  });
}
