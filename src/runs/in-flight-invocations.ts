/**
 * The graph invocations this process has in flight, by run, each with the controller that aborts it: cancel_run
 * aborts one (its branches see their signal abort), and the lease heartbeat renews the leases of all of them.
 */
export class InFlightInvocations {
  private readonly aborts = new Map<string, AbortController>();

  /** Registers a run's invocation; returns the controller whose signal it runs with. */
  begin(runId: string): AbortController {
    const abort = new AbortController();
    this.aborts.set(runId, abort);
    return abort;
  }

  /** The invocation `abort` was registered for is over. */
  end(runId: string, abort: AbortController): void {
    if (this.aborts.get(runId) === abort) this.aborts.delete(runId);
  }

  /** Aborts the run's invocation in flight, if it has one. */
  abort(runId: string, reason: Error): void {
    this.aborts.get(runId)?.abort(reason);
  }

  runIds(): string[] {
    return [...this.aborts.keys()];
  }
}
