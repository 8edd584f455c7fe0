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
