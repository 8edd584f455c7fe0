/**
 * Errors a caller can act on. Tool handlers throw them; the MCP SDK turns a thrown error into a tool
 * result with `isError: true` whose text is the message, so every message says what was wrong and what to do.
 */
export class ConductorError extends Error {
  override name = "ConductorError";
}

/** Bad input, an unknown id, or an impossible request. */
export class UserError extends ConductorError {
  override name = "UserError";
}

export function unknownRun(runId: string): UserError {
  return new UserError(`unknown run_id "${runId}"; list runs with the resource orchestrator://runs`);
}
