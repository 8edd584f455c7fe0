/**
 * Errors a caller can act on, so every message says what was wrong and what to do. Tool handlers, resource
 * reads and prompts throw them; the error boundary (src/tools/error-boundary.ts) lets them through, and the MCP
 * SDK makes a tool's into a result with `isError: true` whose text is the message. Any other error is the
 * server's own: the client sees only `internal error <id>`, the server's stderr its stack under that id.
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
