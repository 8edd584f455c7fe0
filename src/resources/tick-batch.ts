/**
 * Resource URIs changed within one event-loop turn, gathered per recipient and handed over once each on the next
 * turn: a run's many changes in one turn become one notification per URI (resources/subscribe, listen streams).
 */
export class TickBatch {
  private readonly pending = new Map<string, Set<string>>();
  private scheduled = false;

  constructor(private readonly deliver: (recipient: string, uris: ReadonlySet<string>) => void) {}

  add(recipient: string, uris: Iterable<string>): void {
    const set = this.pending.get(recipient) ?? new Set<string>();
    for (const uri of uris) set.add(uri);
    if (set.size === 0) return;
    this.pending.set(recipient, set);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = [...this.pending];
      this.pending.clear();
      for (const [recipient, set] of batch) this.deliver(recipient, set);
    });
  }
}
