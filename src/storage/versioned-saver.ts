/**
 * LangGraph's SqliteSaver stores every channel's value in every checkpoint, so a run's checkpoint bytes
 * grow with (state size x supersteps) even when a superstep changed one channel. This saver stores each
 * channel value once per version in `conductor_checkpoint_blobs` (the scheme of LangGraph's own Postgres
 * saver) and keeps only a channel -> version map in the checkpoint row; reads put the values back before
 * LangGraph sees them. Values are written before the row that refers to them, so a crash between the two
 * leaves at most an unreferenced blob. A map-shaped value (one entry per branch) is stored entry by entry
 * (checkpoint-entries.ts), so a new version of it costs what changed, not its whole size.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { copyCheckpoint, type ChannelVersions, type Checkpoint, type CheckpointListOptions, type CheckpointMetadata, type CheckpointTuple, type SerializerProtocol } from "@langchain/langgraph-checkpoint";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type { Database, Statement } from "better-sqlite3";
import { CheckpointEntries, ENTRIES_TYPE, isEntryMap, type PendingWrites } from "./checkpoint-entries.js";
import { withStatementCache } from "./statement-cache.js";
import { StoredVersions } from "./stored-versions.js";
import { VERSIONS_KEY } from "./checkpoint-layout.js";

interface BlobStatements {
  has: Statement;
  insert: Statement;
  get: Statement;
  deleteThread: Statement;
  checkpoint: Statement;
}

export class VersionedSqliteSaver extends SqliteSaver {
  private blobs: BlobStatements | undefined;
  private entries: CheckpointEntries | undefined;
  /** The channel versions this process knows are stored, so an unchanged channel costs no query. */
  private readonly stored = new StoredVersions();

  constructor(db: Database, serde?: SerializerProtocol) {
    super(withStatementCache(db), serde);
  }

  protected override setup(): void {
    super.setup();
    if (this.blobs) return;
    this.db.exec(`CREATE TABLE IF NOT EXISTS conductor_checkpoint_blobs (
      thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL, channel TEXT NOT NULL, version TEXT NOT NULL,
      type TEXT NOT NULL, value BLOB, PRIMARY KEY (thread_id, checkpoint_ns, channel, version)) WITHOUT ROWID`);
    this.blobs = {
      has: this.db.prepare("SELECT 1 FROM conductor_checkpoint_blobs WHERE thread_id = ? AND checkpoint_ns = ? AND channel = ? AND version = ?"),
      insert: this.db.prepare("INSERT OR IGNORE INTO conductor_checkpoint_blobs (thread_id, checkpoint_ns, channel, version, type, value) VALUES (?, ?, ?, ?, ?, ?)"),
      get: this.db.prepare("SELECT type, value FROM conductor_checkpoint_blobs WHERE thread_id = ? AND checkpoint_ns = ? AND channel = ? AND version = ?"),
      deleteThread: this.db.prepare("DELETE FROM conductor_checkpoint_blobs WHERE thread_id = ?"),
      checkpoint: this.db.prepare(`INSERT OR REPLACE INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
    };
    this.entries = new CheckpointEntries(this.db, this.serde);
  }

  /**
   * `newVersions` (the channels this checkpoint changed, as LangGraph passes them to every saver) are written;
   * any other channel's version was stored with an earlier checkpoint, which this process either wrote or checks
   * once (a run resumed from another process's or an older saver's checkpoints).
   */
  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions?: ChannelVersions): Promise<RunnableConfig> {
    this.setup();
    const thread = String(config.configurable?.thread_id ?? "");
    if (!thread) throw new Error(`Missing "thread_id" field in passed "config.configurable".`);
    const ns = String(config.configurable?.checkpoint_ns ?? "");
    const inline: Record<string, unknown> = {};
    const versions: Record<string, string> = {};
    const pending: PendingWrites = { entries: [], blobs: [], committed: [] };
    const known = this.stored.of(thread, ns);
    for (const [channel, value] of Object.entries(checkpoint.channel_values)) {
      const version = checkpoint.channel_versions[channel];
      if (version === undefined) {
        inline[channel] = value;
        continue;
      }
      const v = (versions[channel] = String(version));
      if (!(newVersions && channel in newVersions)) {
        if (known.has(channel, v)) continue;
        if (this.blobs!.has.get(thread, ns, channel, v)) { // unchanged since a version stored before this process knew it
          known.add(channel, v);
          continue;
        }
      }
      const [type, bytes] = isEntryMap(value) ? await this.entries!.split(thread, ns, channel, value, pending) : await this.serde.dumpsTyped(value);
      pending.blobs.push([thread, ns, channel, v, type, bytes]);
    }
    // The checkpoint row as SqliteSaver.put writes it, but in one transaction with the entries and values it
    // refers to (SqliteSaver commits its row alone): a checkpoint is one commit, and never refers to a missing value.
    const parent = config.configurable?.checkpoint_id as string | undefined;
    const stored = copyCheckpoint({ ...checkpoint, channel_values: { ...inline, [VERSIONS_KEY]: versions } });
    const [[type, row], [metadataType, metadataBytes]] = await Promise.all([this.serde.dumpsTyped(stored), this.serde.dumpsTyped(metadata)]);
    if (type !== metadataType) throw new Error("Failed to serialized checkpoint and metadata to the same type.");
    this.db.transaction(() => {
      this.entries!.insert(pending.entries);
      for (const blob of pending.blobs) this.blobs!.insert.run(...blob);
      this.blobs!.checkpoint.run(thread, ns, checkpoint.id, parent, type, row, metadataBytes);
    })();
    for (const remember of pending.committed) remember();
    for (const blob of pending.blobs) known.add(String(blob[2]), String(blob[3]));
    return { configurable: { thread_id: thread, checkpoint_ns: ns, checkpoint_id: checkpoint.id } };
  }

  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const tuple = await super.getTuple(config);
    return tuple && this.restore(tuple);
  }

  override async *list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    for await (const tuple of super.list(config, options)) yield await this.restore(tuple);
  }

  override async deleteThread(threadId: string): Promise<void> {
    await super.deleteThread(threadId);
    this.stored.forget(threadId);
    this.setup();
    this.blobs!.deleteThread.run(threadId);
    this.entries!.deleteThread(threadId);
  }

  /** Puts the channel values back into a checkpoint read from its row. */
  private async restore(tuple: CheckpointTuple): Promise<CheckpointTuple> {
    const values = tuple.checkpoint.channel_values as Record<string, unknown>;
    const versions = values[VERSIONS_KEY] as Record<string, string> | undefined;
    if (!versions) return tuple; // a checkpoint written before this saver
    delete values[VERSIONS_KEY];
    const thread = String(tuple.config.configurable?.thread_id ?? "");
    const ns = String(tuple.config.configurable?.checkpoint_ns ?? "");
    for (const [channel, version] of Object.entries(versions)) {
      const row = this.blobs!.get.get(thread, ns, channel, version) as { type: string; value: Uint8Array } | undefined;
      if (!row) throw new Error(`checkpoint ${tuple.config.configurable?.checkpoint_id} of ${thread} refers to a missing value: ${channel} version ${version}`);
      values[channel] = row.type === ENTRIES_TYPE
        ? await this.entries!.join(thread, ns, channel, row.value)
        : await this.serde.loadsTyped(row.type, row.value);
    }
    return tuple;
  }
}
