/**
 * Preload for the server process (`node --import bench/lib/count-pg-queries.mjs dist/server.js ...`): counts the
 * statements the process sends to PostgreSQL (every `pg.Client#query`, which the pools, the checkpointer and the
 * change feed all go through) by their first keyword (the change feed's `SELECT pg_notify(...)` apart), and the
 * transactions they make (a BEGIN ... COMMIT block, or a statement on its own). On SIGUSR2 it writes the counts
 * so far, as JSON, to the file named by CONDUCTOR_BENCH_QUERY_COUNTS (written whole: a temporary file renamed
 * over it). The server imports `pg`, a CommonJS module, so patching the module this require() loads patches the
 * server's.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const out = process.env.CONDUCTOR_BENCH_QUERY_COUNTS;
if (out) {
  const require = createRequire(path.join(path.dirname(fileURLToPath(import.meta.url)), "../../dist/server.js"));
  const pg = require("pg");
  const counts = { total: 0, transactions: 0 };
  const inTransaction = new WeakSet();
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    const text = typeof config === "string" ? config : typeof config?.text === "string" ? config.text : "";
    const word = (/^\s*(\w+)/.exec(text)?.[1] ?? "other").toUpperCase();
    const kind = /^\s*SELECT\s+pg_notify\s*\(/i.test(text) ? "SELECT pg_notify" : word;
    counts.total++;
    counts[kind] = (counts[kind] ?? 0) + 1;
    // A connection runs its queries in the order they were issued: BEGIN opens a transaction until COMMIT or
    // ROLLBACK; any other statement outside one is a transaction of its own (autocommit).
    if (word === "BEGIN" || word === "START") {
      counts.transactions++;
      inTransaction.add(this);
    } else if (word === "COMMIT" || word === "ROLLBACK" || word === "END") {
      inTransaction.delete(this);
    } else if (!inTransaction.has(this)) {
      counts.transactions++;
    }
    return original.call(this, config, ...rest);
  };
  process.on("SIGUSR2", () => {
    fs.writeFileSync(`${out}.tmp`, JSON.stringify(counts));
    fs.renameSync(`${out}.tmp`, out);
  });
}
