/**
 * Changes between processes sharing one PostgreSQL database, on LISTEN/NOTIFY: channel `conductor_changes`,
 * payload `{"o": owner id, "r": run id, "k": "created" | "changed"}`. `publish` goes through the query helper, so
 * inside a transaction the notification is sent at commit (and not at all on a rollback). `start` listens on one
 * dedicated connection (not from the pool: a LISTEN belongs to its session), delivers the other processes'
 * notifications, and reconnects with a short backoff when that connection drops.
 */
import pg from "pg";
import type { ChangeFeed, RunChange } from "../storage.js";
import type { PgDatabase } from "./pg-database.js";

export const CHANGES_CHANNEL = "conductor_changes";

const BACKOFF_MS = [100, 250, 500, 1000, 2000, 5000];

interface Payload {
  o: string;
  r: string;
  k: RunChange["kind"];
}

export class PgChangeFeed implements ChangeFeed {
  private client: pg.Client | undefined;
  private onChange: ((change: RunChange) => void) | undefined;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = true;
  private listening: Promise<void> = Promise.resolve();

  constructor(private readonly db: PgDatabase, private readonly url: string, private readonly ownerId: string) {}

  async publish(change: RunChange): Promise<void> {
    const payload: Payload = { o: this.ownerId, r: change.run_id, k: change.kind };
    await this.db.query("SELECT pg_notify($1, $2)", [CHANGES_CHANNEL, JSON.stringify(payload)]);
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
    if (payload.o === this.ownerId || typeof payload.r !== "string") return;
    if (payload.k !== "created" && payload.k !== "changed") return;
    this.onChange({ run_id: payload.r, kind: payload.k });
  }
}
