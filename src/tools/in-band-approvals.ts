/**
 * Approvals in-band (MCP 2026-07-28 multi-round-trip). A 2026-07-28 client cannot be sent requests of the
 * server's own, so for a run started with `elicit: true` by a client that declared elicitation, a start_workflow or
 * approve_interrupt call that reaches a pause returns `input_required` with the decision form instead; the client
 * asks its user and retries the call with the answer, which resumes the run, and the retried call waits and answers
 * like the first (a next pause asks again). A declined or unanswered form leaves the pause to approve_interrupt.
 *
 * The form's key names the run and the pause (`decision/<run_id>/<interrupt_id>`), so a retry needs nothing
 * remembered between rounds: any process answers it. Keys come back from the client and are untrusted: an answer
 * is applied only to the caller's own run, at a pause still pending, exactly as approve_interrupt would apply it.
 * A forged key can do nothing approve_interrupt does not let the same caller do, so no requestState is minted.
 */
import {
  CLIENT_CAPABILITIES_META_KEY, inputRequired, inputResponse, PROTOCOL_VERSION_META_KEY,
  type CallToolResult, type ClientCapabilities, type InputRequiredResult, type ServerContext,
} from "@modelcontextprotocol/server";
import type { RunStatus } from "../domain/run-status.js";
import { isCallerError } from "./error-boundary.js";
import type { RunManager } from "../runs/run-manager.js";
import type { RunQueries } from "../runs/run-queries.js";
import { decisionForm, decisionFrom } from "../sessions/decision-form.js";
import { MODERN_REVISION } from "../sessions/protocol-era.js";
import { runStatusResult, waitForRun, type RunWaitDeps } from "./wait-for-run.js";

const KEY = /^decision\/([^/]+)\/([^/]+)$/;
const formKey = (runId: string, interruptId: string) => `decision/${encodeURIComponent(runId)}/${encodeURIComponent(interruptId)}`;

export interface InBandDeps extends RunWaitDeps {
  manager: RunWaitDeps["manager"] & Pick<RunManager, "resume">;
  queries: RunWaitDeps["queries"] & Pick<RunQueries, "requireRun">;
  /** Ties the run to this session. */
  followRun(runId: string): void;
}

/** What the answers a retried call carried did. */
export interface Answered {
  runId: string;
  /** Said in the result's text: what was applied, or why not. */
  notes: string[];
  /** No form was accepted: this call asks no more. */
  settledByClient: boolean;
}

/** Whether this request is a 2026-07-28 one from a client that declared elicitation. */
export function asksInBand(ctx: ServerContext): boolean {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const version = envelope?.[PROTOCOL_VERSION_META_KEY];
  const capabilities = envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
  return typeof version === "string" && version >= MODERN_REVISION && capabilities?.elicitation !== undefined;
}

/**
 * Applies the decisions a retried call carries for forms of ours. Undefined when it carries none (a first round):
 * the tool then does what it was called for.
 */
export async function applyAnswers(deps: InBandDeps, ctx: ServerContext): Promise<Answered | undefined> {
  const responses = ctx.mcpReq.inputResponses ?? {};
  const keys = Object.keys(responses).filter((k) => KEY.test(k));
  if (keys.length === 0) return undefined;
  let runId: string | undefined;
  const notes: string[] = [];
  let accepted = 0;
  for (const key of keys) {
    const [, encodedRun, encodedInterrupt] = KEY.exec(key)!;
    const thisRun = safeDecode(encodedRun!);
    const interruptId = safeDecode(encodedInterrupt!);
    if (thisRun === undefined || interruptId === undefined) continue;
    if (runId !== undefined && thisRun !== runId) continue; // one call answers for one run
    runId = thisRun;
    const view = inputResponse(responses, key);
    const decision = view.kind === "elicit" && view.action === "accept" ? decisionFrom(view.content) : null;
    if (!decision) {
      notes.push(`The form for interrupt ${interruptId} was ${view.kind === "elicit" ? `${view.action}ed` : "not answered"}: the run waits for approve_interrupt.`);
      continue;
    }
    try {
      await deps.manager.resume(thisRun, { ...decision, interrupt_id: interruptId, via: "elicitation" }, deps.principal);
      accepted++;
      notes.push(`Answered interrupt ${interruptId}: ${decision.decision}.`);
    } catch (error) {
      if (!isCallerError(error)) throw error;
      notes.push(`The answer for interrupt ${interruptId} was not applied: ${(error as Error).message}`);
    }
  }
  if (runId === undefined) return undefined;
  await deps.queries.requireRun(runId, deps.principal); // a forged key for another's run says only "unknown run"
  return { runId, notes, settledByClient: accepted === 0 };
}

/**
 * The call's result: the run's status, or, when the run waits at a pause its user can decide here (a run started
 * with elicit, a client that can be asked, and no form declined in this call), the forms for it.
 */
export async function statusOrForms(deps: InBandDeps, ctx: ServerContext, status: RunStatus, opts: { notes?: string[]; askMore: boolean }): Promise<CallToolResult | InputRequiredResult> {
  const pauses = status.pending_interrupts.filter((p) => p.point !== "branch_work");
  if (opts.askMore && status.status === "interrupted" && pauses.length > 0 && asksInBand(ctx)) {
    const row = await deps.queries.requireRun(status.run_id, deps.principal);
    if ((row.options as { elicit?: boolean }).elicit === true) {
      return inputRequired({
        inputRequests: Object.fromEntries(pauses.map((p) => [formKey(status.run_id, p.interrupt_id), inputRequired.elicit(decisionForm(status.run_id, p))])),
      });
    }
  }
  return runStatusResult(status, opts.notes?.length ? opts.notes.join("\n") : undefined);
}

/**
 * A retried call's round: applies the answers it carries, waits for the run as the call asked, and answers with its
 * status or the next forms. Undefined for a call that carries no answers of ours (the tool does what it was called for).
 */
export async function answerRound(deps: InBandDeps, ctx: ServerContext, waitSeconds: number): Promise<CallToolResult | InputRequiredResult | undefined> {
  const answered = await applyAnswers(deps, ctx);
  if (!answered) return undefined;
  deps.followRun(answered.runId);
  const status = await waitForRun(deps, answered.runId, waitSeconds, ctx);
  return statusOrForms(deps, ctx, status, { notes: answered.notes, askMore: !answered.settledByClient });
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
