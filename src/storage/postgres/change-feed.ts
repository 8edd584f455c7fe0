/**
 * Changes between processes sharing one PostgreSQL database, on LISTEN/NOTIFY: channel `conductor_changes`,
 * payload `{"o": owner id, "c": [[run id, "created" | "changed"], ...]}`. `publish` queues a change; the changes
 * of the next FLUSH_MS go out together in one notification (a run writes a few dozen timeline batches, and a
 * notification is a transaction every listener reads), each run and kind once. `start` listens on one
 * dedicated connection (not from the pool: a LISTEN belongs to its session), delivers the other processes'
 * notifications, and reconnects with a short backoff when that connection drops.
 */
import pg from "pg";
import type { ChangeFeed, RunChange } from "../storage.js";
import type { PgDatabase } from "./pg-database.js";

export const CHANGES_CHANNEL = "conductor_changes";

const BACKOFF_MS = [100, 250, 500, 1000, 2000, 5000];
/** How long changes wait to go out together. */
const FLUSH_MS = 25;
/** PostgreSQL's payload limit is 8000 bytes: a larger batch is split. */
const MAX_PAYLOAD = 7000;

interface Payload {
  o: string;
  c: Array<[run_id: string, kind: RunChange["kind"]]>;
}

export class PgChangeFeed implements ChangeFeed {
  private client: pg.Client | undefined;
  private onChange: ((change: RunChange) => void) | undefined;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = true;
  private listening: Promise<void> = Promise.resolve();
  private readonly pending = new Map<string, RunChange>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly db: PgDatabase, private readonly url: string, private readonly ownerId: string) {}

  /** Queues a change for the next notification (within FLUSH_MS). */
  publish(change: RunChange): void {
    this.pending.set(`${change.kind} ${change.run_id}`, change);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.flushing = this.flush();
    }, FLUSH_MS);
  }

  /** Sends what is queued now (also at stop). Errors are dropped: other processes miss a hint, not data. */
  private async flush(): Promise<void> {
    const changes = [...this.pending.values()];
    this.pending.clear();
    let batch: Payload["c"] = [];
    let size = 0;
    const send = async () => {
      if (batch.length === 0) return;
      const payload: Payload = { o: this.ownerId, c: batch };
      batch = [];
      size = 0;
      await this.db.query("SELECT pg_notify($1, $2)", [CHANGES_CHANNEL, JSON.stringify(payload)]).catch(() => undefined);
    };
    for (const c of changes) {
      const entry: [string, RunChange["kind"]] = [c.run_id, c.kind];
      const bytes = Buffer.byteLength(JSON.stringify(entry)) + 1;
      if (size + bytes > MAX_PAYLOAD) await send();
      batch.push(entry);
      size += bytes;
    }
    await send();
  }

  /** Starts delivering other processes' changes (`interest` is unused: PostgreSQL tells of every run). */
  start(onChange: (change: RunChange) => void, _interest?: () => Iterable<string>): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.onChange = onChange;
    this.listening = this.connect();
  }

  /** Resolves once the listening connection is up (or the attempt in progress has failed). For tests. */
  whenListening(): Promise<void> {
    return this.listening;
  }

  async stop(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.flushing = this.flush();
    }
    await this.flushing;
    this.stopped = true;
    this.onChange = undefined;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      client.end().catch(() => {});
      this.reconnectLater();
    };
    client.on("error", onLost);
    client.on("end", onLost);
    client.on("notification", (message) => this.deliver(message));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch {
      onLost();
      return;
    }
    if (this.stopped || lost) {
      lost = true;
      await client.end().catch(() => {});
      return;
    }
    this.failures = 0;
    this.client = client;
  }

  private reconnectLater(): void {
    if (this.stopped || this.retry) return;
    const delay = BACKOFF_MS[Math.min(this.failures++, BACKOFF_MS.length - 1)];
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) this.listening = this.connect();
    }, delay);
    this.retry.unref();
  }

  private deliver(message: pg.Notification): void {
    if (message.channel !== CHANGES_CHANNEL || !message.payload || !this.onChange) return;
    let payload: Payload;
    try {
      payload = JSON.parse(message.payload) as Payload;
    } catch {
      return;
    }
    if (payload.o === this.ownerId || !Array.isArray(payload.c)) return;
    for (const entry of payload.c) {
      if (!Array.isArray(entry)) continue;
      const [run_id, kind] = entry;
      if (typeof run_id === "string" && (kind === "created" || kind === "changed")) this.onChange?.({ run_id, kind });
    }
  }
}
