/**
 * Map-shaped channel values (the run's branches and their results: one entry per branch) stored entry by entry.
 * A superstep changes a few entries of such a map, yet every new version of it used to be serialized and written
 * whole, so a run of N branches wrote O(N²) bytes. Here each entry is serialized once, stored once per thread
 * under a hash of its bytes, and a version of the map is a manifest `{ key: hash }`. An entry object already
 * stored (the state's reducers keep unchanged entries by reference) is not serialized again.
 */
import { createHash } from "node:crypto";
import type { SerializerProtocol } from "@langchain/langgraph-checkpoint";
import type { Database, Statement } from "better-sqlite3";

/** The blob type of a manifest, in conductor_checkpoint_blobs. */
export const ENTRIES_TYPE = "conductor/entries";
/** Smaller maps are stored whole: a manifest would not save anything. */
const MIN_ENTRIES = 16;

/** A plain object of MIN_ENTRIES or more object values. */
export function isEntryMap(value: unknown): value is Record<string, object> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  const values = Object.values(value as Record<string, unknown>);
  return values.length >= MIN_ENTRIES && values.every((v) => typeof v === "object" && v !== null);
}

interface Stored {
  where: string;
  hash: string;
}

export class CheckpointEntries {
  private readonly stmts: { insert: Statement; all: Statement; deleteThread: Statement };
  /** Entry object -> where it is stored already (thread, namespace, channel) and its hash. */
  private readonly stored = new WeakMap<object, Stored>();

  constructor(db: Database, private readonly serde: SerializerProtocol) {
    db.exec(`CREATE TABLE IF NOT EXISTS conductor_checkpoint_entries (
      thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL, channel TEXT NOT NULL, hash TEXT NOT NULL,
      type TEXT NOT NULL, value BLOB, PRIMARY KEY (thread_id, checkpoint_ns, channel, hash)) WITHOUT ROWID`);
    this.stmts = {
      insert: db.prepare("INSERT OR IGNORE INTO conductor_checkpoint_entries (thread_id, checkpoint_ns, channel, hash, type, value) VALUES (?, ?, ?, ?, ?, ?)"),
      all: db.prepare("SELECT hash, type, value FROM conductor_checkpoint_entries WHERE thread_id = ? AND checkpoint_ns = ? AND channel = ?"),
      deleteThread: db.prepare("DELETE FROM conductor_checkpoint_entries WHERE thread_id = ?"),
    };
  }

  /** Stores the entries not stored yet and returns the manifest, as the blob to store for this version. */
  async split(thread: string, ns: string, channel: string, map: Record<string, object>): Promise<[string, Uint8Array]> {
    const where = `${thread}\u0000${ns}\u0000${channel}`;
    const manifest: Record<string, string> = {};
    for (const [key, entry] of Object.entries(map)) {
      let known = this.stored.get(entry);
      if (known?.where !== where) {
        const [type, bytes] = await this.serde.dumpsTyped(entry);
        const hash = createHash("sha256").update(type).update("\u0000").update(bytes).digest("base64url").slice(0, 22);
        this.stmts.insert.run(thread, ns, channel, hash, type, bytes);
        known = { where, hash };
        this.stored.set(entry, known);
      }
      manifest[key] = known.hash;
    }
    return [ENTRIES_TYPE, new TextEncoder().encode(JSON.stringify(manifest))];
  }

  /** The map a manifest describes. Throws when an entry is missing. */
  async join(thread: string, ns: string, channel: string, manifestBytes: Uint8Array): Promise<Record<string, unknown>> {
    const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as Record<string, string>;
    const rows = new Map((this.stmts.all.all(thread, ns, channel) as Array<{ hash: string; type: string; value: Uint8Array }>).map((r) => [r.hash, r]));
    const where = `${thread}\u0000${ns}\u0000${channel}`;
    const loaded = new Map<string, object>();
    const map: Record<string, unknown> = {};
    for (const [key, hash] of Object.entries(manifest)) {
      let entry = loaded.get(hash);
      if (!entry) {
        const row = rows.get(hash);
        if (!row) throw new Error(`a checkpoint of ${thread} refers to a missing entry: ${channel}[${key}]`);
        entry = (await this.serde.loadsTyped(row.type, row.value)) as object;
        loaded.set(hash, entry);
        this.stored.set(entry, { where, hash });
      }
      map[key] = entry;
    }
    return map;
  }

  deleteThread(threadId: string): void {
    this.stmts.deleteThread.run(threadId);
  }
}
