/**
 * What a tool does to the server's state, declared once per tool as its `kind`; the MCP annotations
 * (readOnlyHint, destructiveHint, idempotentHint, openWorldHint) follow from it. No tool reaches outside the
 * server's own runs, agents and templates, so none is open-world.
 */
import type { ToolAnnotations } from "@modelcontextprotocol/server";

export const TOOL_KINDS = ["read", "create", "create-idempotent", "update", "destructive"] as const;
/**
 * read: changes nothing (get_timeline). create: adds something new on every call (generate_agent,
 * register_agent_template). create-idempotent: adds something, and the same call again returns it
 * (start_workflow with its run_id). update: moves something along (approve_interrupt). destructive: ends
 * or removes something (cancel_run, retire_agent).
 */
export type ToolKind = (typeof TOOL_KINDS)[number];

type Hints = Required<Pick<ToolAnnotations, "readOnlyHint" | "destructiveHint" | "idempotentHint" | "openWorldHint">>;

const HINTS: Readonly<Record<ToolKind, Hints>> = {
  read: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  create: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  "create-idempotent": { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  update: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  destructive: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
};

/** The annotations of a tool of this kind. */
export function annotationsFor(kind: ToolKind): Hints {
  return { ...HINTS[kind] };
}
