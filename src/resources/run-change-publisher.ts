/**
 * Run changes published to 2026-07-28 listen streams served by a handler (HTTP): each change to a run becomes
 * `notifications/resources/updated` for the resources it changes, on its principal's streams only, and a new run
 * `notifications/resources/list_changed`. Other processes' changes arrive through the change feed as the run
 * manager's events, like this process's own. Changes within one tick are coalesced, one notification per URI.
 */
import type { ServerNotifier } from "@modelcontextprotocol/server";
import type { RunManager } from "../runs/run-manager.js";
import { urisChangedBy } from "./run-uri.js";
import { TickBatch } from "./tick-batch.js";

export interface RunChangePublisherDeps {
  /** Its `changed` and `created` events (run id). */
  events: RunManager["events"];
  principalOf(runId: string): Promise<string | undefined>;
  /** Whether any stream of `principal`'s is open (a change nobody listens to costs no lookup). */
  listening(principal?: string): boolean;
  /** Publishes to `principal`'s streams only. */
  notifierFor(principal: string): ServerNotifier;
}

/** Starts publishing; returns the function that stops it. */
export function publishRunChanges(deps: RunChangePublisherDeps): () => void {
  const batch = new TickBatch((principal, uris) => {
    const notifier = deps.notifierFor(principal);
    for (const uri of uris) notifier.resourceUpdated(uri);
  });
  const ownerListening = async (runId: string) => {
    if (!deps.listening()) return undefined;
    const principal = await deps.principalOf(runId);
    return principal !== undefined && deps.listening(principal) ? principal : undefined;
  };
  const onChanged = (runId: string) => {
    void ownerListening(runId).then((principal) => {
      if (principal !== undefined) batch.add(principal, urisChangedBy(runId));
    }, () => undefined);
  };
  const onCreated = (runId: string) => {
    void ownerListening(runId).then((principal) => {
      if (principal !== undefined) deps.notifierFor(principal).resourcesChanged();
    }, () => undefined);
  };
  deps.events.on("changed", onChanged);
  deps.events.on("created", onCreated);
  return () => {
    deps.events.off("changed", onChanged);
    deps.events.off("created", onCreated);
  };
}
