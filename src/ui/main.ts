/**
 * The run view (an MCP App): shown by hosts with MCP Apps for start_workflow and approve_interrupt results.
 * It takes the run from the tool's input or result, then follows it through the host: get_timeline with
 * `since` about once a second while the run is running or paused, and the run resource
 * orchestrator://runs/{run_id} when the timeline moved. Decisions go to approve_interrupt.
 */
import { App, applyDocumentTheme, applyHostFonts, applyHostStyleVariables, type McpUiHostContext } from "@modelcontextprotocol/ext-apps";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { isRunStatus, newer, TERMINAL, TimelineTracker, type PendingInterrupt, type RunResource, type TimelineEvent } from "./model.js";
import { render, type Decision, type ViewState } from "./view.js";

const POLL_MS = 1000;

const app = new App({ name: "conductor-run-view", version: "0.1.0" }, {}, { autoResize: true });
const st: ViewState = { tl: new TimelineTracker(), canAct: false };
let runId: string | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let polling = false;
let stopped = false;

const actions = { decide };
const draw = () => render(st, actions);

function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n").trim();
}

function follow(id: string): void {
  if (runId === id) return;
  runId = id;
  st.tl = new TimelineTracker();
  st.run = undefined;
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
