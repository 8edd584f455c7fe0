/**
 * The PostgreSQL server the tests may use: CONDUCTOR_TEST_POSTGRES_URL, which scripts/with-postgres.sh sets
 * for a throwaway cluster it starts (postgres://postgres@/postgres?host=<socket dir>&port=<port>). Tests that
 * need it pass `{ skip: SKIP_POSTGRES }` and take a database of their own from freshDatabase().
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export const POSTGRES_URL: string | undefined = process.env.CONDUCTOR_TEST_POSTGRES_URL || undefined;

/** False when there is a server to test against, else the reason, for node:test's `skip` option. */
export const SKIP_POSTGRES: string | false = POSTGRES_URL
  ? false
  : "CONDUCTOR_TEST_POSTGRES_URL is not set: no PostgreSQL to test against (scripts/with-postgres.sh starts one)";

export interface FreshDatabase {
  /** The server's URL with this database's name in place of the original one (same host, port, options). */
  url: string;
  /** Terminates the database's connections and drops it. */
  drop(): Promise<void>;
}

/** `url` naming database `name` instead: only the path changes (the query keeps host=<socket dir>&port=...). */
export function withDatabase(url: string, name: string): string {
  // Not `new URL`: a socket URL has an empty host after the user (postgres://postgres@/db), which it rejects.
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/i.exec(url);
  if (!m) throw new Error(`not a postgres:// URL: ${url}`);
  return `${m[1]}/${encodeURIComponent(name)}${m[3] ?? ""}${m[4] ?? ""}`;
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
let counter = 0;
/** Created here and not dropped yet: dropped when the test process is about to exit. */
const live = new Set<string>();
let dropsLeftovers = false;

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  if (!POSTGRES_URL) throw new Error(SKIP_POSTGRES as string);
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  const version = Number((await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]!.v);
  // A server process's pool may reconnect between the terminate and the drop; FORCE (PostgreSQL 13+) closes that gap.
  for (let attempt = 1; ; attempt++) {
    await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
    try {
      await client.query(`DROP DATABASE IF EXISTS ${quoted(name)}${version >= 130000 ? " WITH (FORCE)" : ""}`);
      return;
    } catch (e) {
      // 55006 object_in_use: someone connected again in between.
      if ((e as { code?: string }).code !== "55006" || attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Creates a uniquely named database on the test server; `prefix` starts its name (letters, digits, _). */
export async function freshDatabase(prefix = "conductor_test"): Promise<FreshDatabase> {
  const tag = `_${process.pid}_${++counter}_${randomBytes(4).toString("hex")}`;
  const name = prefix.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 63 - tag.length) + tag;
  await admin((c) => c.query(`CREATE DATABASE ${quoted(name)}`));
  live.add(name);
  if (!dropsLeftovers) {
    dropsLeftovers = true;
    process.once("beforeExit", () => void dropLeftovers());
  }
  return {
    url: withDatabase(POSTGRES_URL!, name),
    async drop() {
      await admin((c) => dropDatabase(c, name));
      live.delete(name);
    },
  };
}

/**
 * Databases nobody dropped (connect() cannot know when a test is done with one: it may restart the server on
 * it) go when the test process's work is done. That matters against a server of your own; scripts/with-postgres.sh
 * removes its whole cluster anyway.
 */
async function dropLeftovers(): Promise<void> {
  if (live.size === 0) return;
  await admin(async (c) => {
    for (const name of [...live]) {
      await dropDatabase(c, name);
      live.delete(name);
    }
  }).catch(() => undefined);
}
