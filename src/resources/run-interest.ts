/**
 * Which runs some connected client is subscribed to, counted per subscription: what the SQLite change feed
 * polls for changes made by other processes (PostgreSQL notifies instead).
 */
export class RunInterest {
  private readonly counts = new Map<string, number>();

  add(runId: string): void {
    this.counts.set(runId, (this.counts.get(runId) ?? 0) + 1);
  }

  remove(runId: string): void {
    const n = (this.counts.get(runId) ?? 0) - 1;
    if (n > 0) this.counts.set(runId, n);
    else this.counts.delete(runId);
  }

  runIds(): Iterable<string> {
    return this.counts.keys();
  }
}
