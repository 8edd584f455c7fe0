/**
 * The run resources' URIs: orchestrator://runs, and per run orchestrator://runs/{run_id} with its /timeline
 * and /graph. A run id in a URI is percent-encoded.
 */
import { unknownRun } from "../errors.js";

export const RUNS_URI = "orchestrator://runs";

/** A run's URI, or its timeline's or graph's; group 1 is the encoded run id. */
export const RUN_URI = /^orchestrator:\/\/runs\/([^/]+)(?:\/(?:timeline|graph))?$/;

/** The run id of a URI's encoded `run_id`; one that does not decode names no run (UserError). */
export function decodeRunId(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw unknownRun(encoded);
  }
}

export const ACTIVE_AGENTS_URI = "orchestrator://agents/active";

/** The resources a change to a run changes: the run, its timeline and graph, the runs list and the active agents.
 *  (Run ids are URI-safe by start_workflow's schema; resources/list names them unencoded too.) */
export function urisChangedBy(runId: string): string[] {
  const run = `${RUNS_URI}/${runId}`;
  return [run, `${run}/timeline`, `${run}/graph`, RUNS_URI, ACTIVE_AGENTS_URI];
}

/** The run ids the run URIs among `uris` name (a URI that does not decode names none). */
export function runIdsNamedBy(uris: Iterable<string>): string[] {
  const ids = new Set<string>();
  for (const uri of uris) {
    const match = RUN_URI.exec(uri);
    if (!match) continue;
    try {
      ids.add(decodeURIComponent(match[1]!));
    } catch {
      // names no run
    }
  }
  return [...ids];
}
