/**
 * Opens the storage `--db` names: a `postgres://` URL is PostgreSQL (postgres/open.ts), anything else a SQLite file.
 */
import { newOwner } from "./lease-owner.js";
import { openSqliteStorage } from "./sqlite-storage.js";
import { isPostgresUrl, type Storage } from "./storage.js";

export async function openStorage(db: string, options: { leaseMs: number; env?: NodeJS.ProcessEnv }): Promise<Storage> {
  const owner = newOwner();
  if (!isPostgresUrl(db)) return openSqliteStorage(db, { ...options, owner });
  const { openPostgresStorage } = await import("./postgres/open.js");
  return openPostgresStorage(db, { ...options, owner });
}
