/**
 * The Postgres test helpers against the server scripts/with-postgres.sh starts: freshDatabase() gives each
 * caller a database of its own at a URL on the same server, and drop() removes it. Skipped, with the reason,
 * when CONDUCTOR_TEST_POSTGRES_URL is not set.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { freshDatabase, POSTGRES_URL, SKIP_POSTGRES, withDatabase } from "../helpers/postgres.js";

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

test("withDatabase swaps only the database name of a socket URL", () => {
  assert.equal(withDatabase("postgres://postgres@/postgres?host=/tmp/pg.x&port=5433", "db_1"), "postgres://postgres@/db_1?host=/tmp/pg.x&port=5433");
  assert.equal(withDatabase("postgres://u:p@localhost:5432/app", "other"), "postgres://u:p@localhost:5432/other");
  assert.equal(withDatabase("postgresql://h", "x"), "postgresql://h/x");
});

test("freshDatabase creates a database of its own on the test server, and drop() removes it", { skip: SKIP_POSTGRES }, async () => {
  const [a, b] = await Promise.all([freshDatabase("helper_test"), freshDatabase("helper_test")]);
  try {
    assert.notEqual(a.url, b.url);
    const [{ db }] = (await query<{ db: string }>(a.url, "SELECT current_database() AS db")) as [{ db: string }];
    assert.match(db, /^helper_test_\d+_\d+_[0-9a-f]{8}$/);
    assert.equal(a.url, withDatabase(POSTGRES_URL!, db), "same server and options, another database");
    await query(a.url, "CREATE TABLE t (x int)");
    assert.deepEqual(await query(b.url, "SELECT to_regclass('t') AS t"), [{ t: null }], "b does not see a's table");

    // A connection left open (as a server process's pool would) does not stop the drop.
    const open = new pg.Client({ connectionString: a.url });
    await open.connect();
    open.on("error", () => undefined);
    await a.drop();
    const left = await query(POSTGRES_URL!, "SELECT 1 FROM pg_database WHERE datname = $1", [db]);
    assert.deepEqual(left, [], "dropped");
    await open.end().catch(() => undefined);
  } finally {
    await b.drop();
  }
});
