/**
 * Waits up to `seconds` for a run to settle and returns its status. When the caller sent a progress token,
 * sends `notifications/progress` as branches settle (progress = branch attempts settled so far, which only
 * grows), so clients that reset their request timeout on progress do not time out on a long wait.
 */
import type { ServerContext } from "@modelcontextprotocol/server";
import type { RunStatus } from "../domain/run-status.js";
import type { RunManager } from "../runs/run-manager.js";
import type { RunQueries } from "../runs/run-queries.js";

export type ToolExtra = ServerContext;

/** What waiting for a run calls. */
export interface RunWaitDeps {
  principal: string;
  manager: Pick<RunManager, "cancel" | "waitForSettle" | "events">;
  queries: Pick<RunQueries, "status" | "settledBranches">;
}

export async function waitForRun(deps: RunWaitDeps, runId: string, seconds: number, extra: ToolExtra): Promise<RunStatus> {
  // A client that cancels the waiting call (notifications/cancelled) cancels the run it waits for.
  const onCancel = () => void deps.manager.cancel(runId, "the waiting request was cancelled by the client", deps.principal).catch(() => undefined);
  extra.mcpReq.signal.addEventListener("abort", onCancel, { once: true });
  try {
    return await waitAndReport(deps, runId, seconds, extra);
  } finally {
    extra.mcpReq.signal.removeEventListener("abort", onCancel);
  }
}

async function waitAndReport({ manager, queries, principal }: RunWaitDeps, runId: string, seconds: number, extra: ToolExtra): Promise<RunStatus> {
  const token = extra.mcpReq._meta?.progressToken;
  if (token === undefined) {
    await manager.waitForSettle(runId, seconds);
    return queries.status(runId, principal);
  }
  let sent = -1;
  // Sends are chained so they leave in order (progress must only grow), and the last one goes before the result.
  let chain = Promise.resolve();
  const send = async () => {
    const settled = await queries.settledBranches(runId, principal);
    if (settled <= sent) return;
    sent = settled;
    const status = await queries.status(runId, principal);
    const total = Math.max(status.progress.branches_total, settled);
    await extra.mcpReq.notify({
      method: "notifications/progress",
      params: { progressToken: token, progress: settled, total, message: `${status.progress.branches_completed} of ${status.progress.branches_total} branches completed, ${status.progress.branches_failed} failed (${status.status})` },
    }).catch(() => undefined);
  };
  const report = () => (chain = chain.then(send));
  const onChange = (id: string) => { if (id === runId) void report(); };
  manager.events.on("changed", onChange);
  try {
    await report();
    await manager.waitForSettle(runId, seconds);
    await report();
  } finally {
    manager.events.off("changed", onChange);
  }
  return queries.status(runId, principal);
}

/** The tool result for a RunStatus: structured content plus a one-paragraph text a person can read. */
export function runStatusResult(status: RunStatus, lead?: string) {
  const parts = [
    lead,
    `Run ${status.run_id} is ${status.status}` + (status.workflow_mode ? ` (mode ${status.workflow_mode})` : "") +
      `: ${status.progress.branches_completed}/${status.progress.branches_total} branches completed, ${status.progress.branches_failed} failed.`,
    ...status.pending_interrupts.map((i) => `Waiting at ${i.point} (interrupt_id ${i.interrupt_id}): ${i.summary}`),
    status.result ? `Quality ${status.result.quality_score}.\n\n${status.result.report}` : undefined,
    status.error ? `Error: ${status.error}` : undefined,
    status.status === "running" ? `Still running; call approve_interrupt when it pauses, or read orchestrator://runs/${status.run_id}.` : undefined,
  ].filter((p): p is string => !!p);
  return { content: [{ type: "text" as const, text: parts.join("\n") }], structuredContent: status as unknown as Record<string, unknown> };
}
