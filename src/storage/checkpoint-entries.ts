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
/** base64url characters of an entry's SHA-256 kept as its key: 66 bits, unique among a thread's entries. */
const HASH_CHARS = 11;
/** Places (thread, namespace, channel) whose stored entries are remembered; past this the memory starts over. */
const PLACES_CACHED = 3000;

/** A plain object of MIN_ENTRIES or more values, objects (checked on the first MIN_ENTRIES: it runs at every
 *  checkpoint, so it does not walk a large map; split copes with other values). */
export function isEntryMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  let seen = 0;
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v !== "object" || v === null) return false;
    if (++seen >= MIN_ENTRIES) return true;
  }
  return false;
}

/** What a checkpoint's put will write in one transaction, and what to remember once it is committed. */
export interface PendingWrites {
  entries: unknown[][];
  blobs: unknown[][];
  committed: Array<() => void>;
}

export class CheckpointEntries {
  private readonly stmts: { insert: Statement; all: Statement; deleteThread: Statement };
  /** Per place (thread, namespace, channel): entry object -> the hash it is stored under there. */
  private readonly stored = new Map<string, WeakMap<object, string>>();

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

  /** The manifest of a map, as the blob to store for this version; the entries not stored yet go to `pending`. */
  async split(thread: string, ns: string, channel: string, map: Record<string, unknown>, pending: PendingWrites): Promise<[string, Uint8Array]> {
    const known = this.place(thread, ns, channel);
    // The manifest's JSON is written directly: at every checkpoint that changed the map, for every entry.
    const parts: string[] = [];
    for (const key in map) {
      const entry = map[key];
      let hash = typeof entry === "object" && entry !== null ? known.get(entry) : undefined;
      if (hash === undefined) {
        const [type, bytes] = await this.serde.dumpsTyped(entry);
        const stored = createHash("sha256").update(type).update("\u0000").update(bytes).digest("base64url").slice(0, HASH_CHARS);
        pending.entries.push([thread, ns, channel, stored, type, bytes]);
        if (typeof entry === "object" && entry !== null) pending.committed.push(() => known.set(entry, stored));
        hash = stored;
      }
      parts.push(`${JSON.stringify(key)}:"${hash}"`);
    }
    return [ENTRIES_TYPE, Buffer.from(`{${parts.join(",")}}`)];
  }

  /** Inserts entries `split` collected (inside the caller's transaction). */
  insert(rows: unknown[][]): void {
    for (const row of rows) this.stmts.insert.run(...row);
  }

  private place(thread: string, ns: string, channel: string): WeakMap<object, string> {
    const where = `${thread}\u0000${ns}\u0000${channel}`;
    let known = this.stored.get(where);
    if (!known) {
      if (this.stored.size >= PLACES_CACHED) this.stored.clear();
      known = new WeakMap();
      this.stored.set(where, known);
    }
    return known;
  }

  /** The map a manifest describes. Throws when an entry is missing. */
  async join(thread: string, ns: string, channel: string, manifestBytes: Uint8Array): Promise<Record<string, unknown>> {
    const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as Record<string, string>;
    const rows = new Map((this.stmts.all.all(thread, ns, channel) as Array<{ hash: string; type: string; value: Uint8Array }>).map((r) => [r.hash, r]));
    const known = this.place(thread, ns, channel);
    const loaded = new Map<string, unknown>();
    const map: Record<string, unknown> = {};
    for (const [key, hash] of Object.entries(manifest)) {
      let entry = loaded.get(hash);
      if (entry === undefined) {
        const row = rows.get(hash);
        if (!row) throw new Error(`a checkpoint of ${thread} refers to a missing entry: ${channel}[${key}]`);
        entry = await this.serde.loadsTyped(row.type, row.value);
        loaded.set(hash, entry);
        if (typeof entry === "object" && entry !== null) known.set(entry, hash);
      }
      map[key] = entry;
    }
    return map;
  }

  deleteThread(threadId: string): void {
    this.stmts.deleteThread.run(threadId);
  }
}
