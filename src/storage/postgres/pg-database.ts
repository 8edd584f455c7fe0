/**
 * The PostgreSQL database the server keeps everything in: a pool, a query helper whose `transaction(fn)` runs
 * fn on one pooled client (every `query()` made inside fn, however deep, goes to that client, through
 * AsyncLocalStorage, so store methods compose into one transaction), and the server's own versioned migrations
 * (the final shape of the SQLite schema, database.ts). LangGraph's PostgresSaver owns the tables `checkpoints`,
 * `checkpoint_blobs`, `checkpoint_writes` and `checkpoint_migrations`; ours are prefixed.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";
import { MIGRATIONS } from "./pg-schema.js";

/** The session advisory lock key that serializes schema changes (ours and the saver's) between processes. */
export const SCHEMA_LOCK = 0x636f6e64; // "cond"

export type Row = Record<string, unknown>;

export class PgDatabase {
  private readonly current = new AsyncLocalStorage<pg.PoolClient>();

  constructor(readonly pool: pg.Pool) {}

  /** Runs one statement: on the transaction's client inside `transaction`, else on any pooled client. */
  async query(text: string, values?: unknown[]): Promise<pg.QueryResult<Row>> {
    const client = this.current.getStore();
    return client ? client.query<Row>(text, values) : this.pool.query<Row>(text, values);
  }

  /** The rows of one statement, typed as the caller's SELECT list says. */
  async rows<R>(text: string, values?: unknown[]): Promise<R[]> {
    return (await this.query(text, values)).rows as R[];
  }

  /** Runs fn in one transaction (BEGIN ... COMMIT, ROLLBACK on a throw). Nested calls join the outer one. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.current.getStore()) return fn();
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await this.current.run(client, fn);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch (rollbackError) {
        broken = rollbackError as Error; // the connection is unusable: drop it rather than return it to the pool
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

export function poolSize(env: NodeJS.ProcessEnv): number {
  const max = Number(env.CONDUCTOR_PG_POOL_MAX ?? "");
  return Number.isInteger(max) && max > 0 ? max : 10;
}

export function createPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client's connection dropping (a server restart) is reported here; the pool discards the client.
  pool.on("error", () => {});
  return pool;
}

/**
 * Applies the migrations not applied yet, each once, each in its own transaction, then `afterwards` (the saver's
 * setup), all under a session advisory lock held on a dedicated connection, so processes starting at once on an
 * empty database take turns (and a pool of one connection cannot deadlock against the lock holder).
 */
export async function migrate(url: string, afterwards?: () => Promise<void>): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [SCHEMA_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS conductor_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
      const applied = new Set((await client.query<{ version: number }>("SELECT version FROM conductor_migrations")).rows.map((r) => r.version));
      for (const m of MIGRATIONS) {
        if (applied.has(m.version)) continue;
        await client.query("BEGIN");
        try {
          await client.query(m.sql);
          await client.query("INSERT INTO conductor_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [m.version, m.name, new Date().toISOString()]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => {});
          throw error;
        }
      }
      await afterwards?.();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [SCHEMA_LOCK]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
  return MIGRATIONS.at(-1)?.version ?? 0;
}
