/**
 * A better-sqlite3 database whose `prepare` returns the statement it prepared before for the same SQL. LangGraph's
 * SqliteSaver prepares its statements on every call (2% of a five-branch run's profile); its statements are run
 * with `run`, `get` and `all` only (never left iterating), so one statement per SQL text is safe to reuse.
 */
import type { Database, Statement } from "better-sqlite3";

/** Distinct SQL texts kept; the saver's `list` builds a few variants, nothing builds many. */
const MAX_STATEMENTS = 200;

export function withStatementCache(db: Database): Database {
  const statements = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= MAX_STATEMENTS) statements.clear();
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === "prepare") return prepare;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
