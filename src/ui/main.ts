/**
 * The run view (an MCP App): shown by hosts with MCP Apps for start_workflow, approve_interrupt and fork_run results.
 * It takes the run from the tool's input or result, then follows it through the host: get_timeline with
 * `since` about once a second while the run is running or paused, and the run resource
 * orchestrator://runs/{run_id} and the run's history (get_run_history) when the timeline moved. Decisions go to
 * approve_interrupt; "Try again from here" goes to fork_run, and the view then follows the fork.
 */
import { App, applyDocumentTheme, applyHostFonts, applyHostStyleVariables, type McpUiHostContext } from "@modelcontextprotocol/ext-apps";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { appendPage, isRunStatus, newer, TERMINAL, TimelineTracker, type Checkpoint, type ForkChanges, type HistoryPage, type PendingInterrupt,
  type RunResource, type TimelineEvent } from "./model.js";
import { render, type Decision, type ViewState } from "./view.js";

const POLL_MS = 1000;
/** Checkpoints read at first, and per "Show more". */
const HISTORY_PAGE = 25;
const MAX_PAGE = 500;

const app = new App({ name: "conductor-run-view", version: "0.1.0" }, {}, { autoResize: true });
const st: ViewState = { tl: new TimelineTracker(), canAct: false };
let runId: string | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let polling = false;
let stopped = false;

const actions = { decide, openFork, fork, moreHistory, showRun };
const draw = () => render(st, actions);

function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n").trim();
}

function follow(id: string): void {
  if (runId === id) return;
  runId = id;
  st.tl = new TimelineTracker();
  st.run = undefined;
  st.history = undefined;
  st.forkOpen = undefined;
  st.forkError = undefined;
  schedule(0);
}

function takeStatus(x: unknown): void {
  if (!isRunStatus(x) || !newer(st.status, x)) return;
  st.status = x;
  follow(x.run_id);
}

function onToolResult(result: CallToolResult): void {
  if (result.isError) {
    st.error = text(result) || "The tool answered an error.";
  } else {
    st.error = undefined;
    takeStatus(result.structuredContent);
  }
  draw();
}

async function callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const result = await app.callServerTool({ name, arguments: args });
  if (result.isError) throw new Error(text(result) || `${name} answered an error`);
  return result;
}

/** Reads the new timeline events and, when there were any, the run resource. */
async function refresh(id: string): Promise<void> {
  let moved = false;
  for (let guard = 0; guard < 50; guard++) {
    const page = (await callTool("get_timeline", { run_id: id, since: st.tl.lastSeq })).structuredContent as
      { events: TimelineEvent[]; next_since: number; total: number } | undefined;
    if (!page || runId !== id) return;
    st.tl.add(page.events);
    moved ||= page.events.length > 0;
    if (page.events.length === 0 || page.next_since >= page.total) break;
  }
  if ((moved || !st.run) && app.getHostCapabilities()?.serverResources) {
    const res = await app.readServerResource({ uri: `orchestrator://runs/${encodeURIComponent(id)}` });
    const first = res.contents[0];
    if (first && "text" in first && runId === id) {
      const run = JSON.parse(first.text) as RunResource;
      st.run = run;
      takeStatus(run);
    }
  }
  if (moved || st.history?.run_id !== id) await readHistory(id);
  await findOrigin();
}

function historyPage(id: string, after: string | null | undefined, limit: number): Promise<HistoryPage | undefined> {
  return callTool("get_run_history", { run_id: id, limit, ...(after ? { after } : {}) })
    .then((r) => r.structuredContent as HistoryPage | undefined);
}

/** Reads the run's history again, as many checkpoints as the view shows (at least the first page). */
async function readHistory(id: string): Promise<void> {
  const want = Math.max(HISTORY_PAGE, st.history?.run_id === id ? st.history.checkpoints.length : 0);
  const checkpoints: Checkpoint[] = [];
  let page: HistoryPage | undefined;
  try {
    do {
      page = await historyPage(id, page?.next_after, Math.min(MAX_PAGE, want - checkpoints.length));
      if (!page || runId !== id) return;
      checkpoints.push(...page.checkpoints);
    } while (page.next_after && checkpoints.length < want && page.checkpoints.length > 0);
    st.history = { run_id: id, checkpoints, total: page.total, next_after: page.next_after };
  } catch (err) {
    const kept = st.history?.run_id === id ? st.history : { run_id: id, checkpoints: [], total: 0, next_after: null };
    if (runId === id) st.history = { ...kept, error: (err as Error).message };
  }
}

async function moreHistory(): Promise<void> {
  const id = runId;
  const hist = st.history;
  if (!id || !hist || hist.run_id !== id || !hist.next_after || st.historyBusy) return;
  st.historyBusy = true;
  draw();
  try {
    const page = await historyPage(id, hist.next_after, HISTORY_PAGE);
    if (page && runId === id && st.history === hist) st.history = appendPage(hist, page);
  } catch (err) {
    if (st.history === hist) st.history = { ...hist, error: (err as Error).message };
  } finally {
    st.historyBusy = false;
    draw();
  }
}

/** On a fork, finds the step of the checkpoint it started from in the original's history (once per fork). */
async function findOrigin(): Promise<void> {
  const from = st.status?.forked_from;
  if (!from || (st.origin?.run_id === from.run_id && st.origin.checkpoint_id === from.checkpoint_id)) return;
  st.origin = { ...from };
  let page: HistoryPage | undefined;
  try {
    for (let guard = 0; guard < 20; guard++) {
      page = await historyPage(from.run_id, page?.next_after, MAX_PAGE);
      const found = page?.checkpoints.find((c) => c.checkpoint_id === from.checkpoint_id);
      if (found && st.origin.checkpoint_id === from.checkpoint_id) st.origin = { ...from, step: found.step, next: found.next };
      if (found || !page?.next_after) return;
    }
  } catch {
    // The original may be gone (delete_run): the view says which checkpoint instead of which step.
  }
}

function schedule(ms = POLL_MS): void {
  clearTimeout(timer);
  if (stopped || !runId) return;
  timer = setTimeout(() => void poll(), ms);
}

async function poll(): Promise<void> {
  const id = runId;
  if (!id || polling || !st.canAct) return;
  polling = true;
  try {
    await refresh(id);
    if (st.error?.startsWith("Could not read")) st.error = undefined;
  } catch (err) {
    st.error = `Could not read the run: ${(err as Error).message}`;
  } finally {
    polling = false;
    draw();
    const done = st.status && TERMINAL.includes(st.status.status) && st.tl.lastSeq >= st.status.timeline_length;
    if (!done) schedule();
  }
}

async function decide(interrupt: PendingInterrupt, decision: Decision, feedback: string | undefined): Promise<void> {
  if (!runId || st.busy) return;
  st.busy = decision;
  st.error = undefined;
  draw();
  try {
    const result = await app.callServerTool({
      name: "approve_interrupt",
      arguments: { run_id: runId, interrupt_id: interrupt.interrupt_id, decision, ...(feedback ? { feedback } : {}) },
    });
    if (result.isError) st.error = text(result) || "approve_interrupt answered an error.";
    else takeStatus(result.structuredContent);
  } catch (err) {
    st.error = `Could not send the decision: ${(err as Error).message}`;
  } finally {
    st.busy = undefined;
    draw();
    schedule(0);
  }
}

function openFork(checkpointId: string | undefined): void {
  if (st.forking) return;
  st.forkOpen = checkpointId;
  st.forkError = undefined;
  draw();
}

async function fork(checkpoint: Checkpoint, changes: ForkChanges): Promise<void> {
  const id = runId;
  if (!id || st.forking) return;
  st.forking = true;
  st.forkError = undefined;
  draw();
  try {
    const result = await app.callServerTool({
      name: "fork_run",
      // A short wait: a quick fork comes back settled, a long one running, and the view follows it either way.
      arguments: { run_id: id, checkpoint_id: checkpoint.checkpoint_id, wait_seconds: 2, ...(Object.keys(changes).length ? { changes } : {}) },
    });
    if (result.isError) {
      st.forkError = text(result) || "fork_run answered an error.";
    } else if (isRunStatus(result.structuredContent)) {
      const forked = result.structuredContent;
      st.origin = { run_id: id, checkpoint_id: checkpoint.checkpoint_id, step: checkpoint.step, next: checkpoint.next };
      st.status = undefined;
      st.focus = "origin";
      takeStatus(forked);
    } else {
      st.forkError = "fork_run did not answer with the new run's status.";
    }
  } catch (err) {
    st.forkError = `Could not start the fork: ${(err as Error).message}`;
  } finally {
    st.forking = false;
    draw();
    schedule(0);
  }
}

/** Shows another run in this view (a fork's original). */
function showRun(id: string): void {
  if (id === runId) return;
  st.status = undefined;
  st.error = undefined;
  st.focus = "header";
  follow(id);
  draw();
}

function applyContext(ctx: McpUiHostContext | undefined): void {
  if (!ctx) return;
  if (ctx.theme) applyDocumentTheme(ctx.theme);
  if (ctx.styles?.variables) applyHostStyleVariables(ctx.styles.variables);
  if (ctx.styles?.css?.fonts) applyHostFonts(ctx.styles.css.fonts);
  const inset = ctx.safeAreaInsets;
  if (inset) document.body.style.padding = `${inset.top}px ${inset.right}px ${inset.bottom}px ${inset.left}px`;
}

app.addEventListener("toolinput", (p) => {
  const id = p.arguments?.run_id;
  if (typeof id === "string" && id) follow(id);
});
app.addEventListener("toolresult", (r) => onToolResult(r as CallToolResult));
app.addEventListener("toolcancelled", (p) => {
  st.error = `The tool call was cancelled${p.reason ? `: ${p.reason}` : ""}.`;
  draw();
});
app.addEventListener("hostcontextchanged", (ctx) => applyContext(ctx));
app.onteardown = async () => {
  stopped = true;
  clearTimeout(timer);
  return {};
};

draw();
app.connect().then(() => {
  st.canAct = !!app.getHostCapabilities()?.serverTools;
  applyContext(app.getHostContext());
  draw();
  schedule(0);
}, (err: unknown) => {
  st.error = `Could not connect to the host: ${(err as Error).message}`;
  draw();
});
