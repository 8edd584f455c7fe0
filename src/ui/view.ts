/**
 * Renders the run view's sections from the view state. Each section is rebuilt only when what it shows has
 * changed, so a poll never steals focus or clears the feedback a person is typing.
 */
import { attributionChart } from "./chart.js";
import { byId, fill, h, pct, section, seconds } from "./dom.js";
import { graphSvg } from "./graph.js";
import { renderHistory, renderOrigin } from "./history-view.js";
import { renderMarkdown } from "./markdown.js";
import { branchViews, inheritedNodes, waitingNodes, type Checkpoint, type ForkChanges, type HistoryState, type PendingInterrupt, type RunResource, type RunStatus,
  type TimelineTracker } from "./model.js";

export type Decision = "approve" | "revise" | "reject";

export interface ViewState {
  status?: RunStatus;
  run?: RunResource;
  tl: TimelineTracker;
  /** The decision being sent, while it is. */
  busy?: Decision;
  error?: string;
  /** Whether the host lets the view call the server's tools. */
  canAct: boolean;
  /** The run's checkpoints (get_run_history), for the run shown. */
  history?: HistoryState;
  /** Whether a further page of the history is being read. */
  historyBusy?: boolean;
  /** The checkpoint whose "Try again from here" form is open. */
  forkOpen?: string;
  /** Whether fork_run is being called, and what it last answered wrong. */
  forking?: boolean;
  forkError?: string;
  /** Where the fork shown started: the original run, its checkpoint and that checkpoint's step (once known). */
  origin?: { run_id: string; checkpoint_id: string; step?: number; next?: string[] };
  /** Where to move the focus at the next render, after the run shown changed. */
  focus?: "origin" | "header";
}

export interface Actions {
  decide(interrupt: PendingInterrupt, decision: Decision, feedback: string | undefined): void;
  /** Opens the "Try again from here" form of a checkpoint (or closes it). */
  openFork(checkpointId: string | undefined): void;
  fork(checkpoint: Checkpoint, changes: ForkChanges): void;
  moreHistory(): void;
  /** Switches the view to another run (a fork's original). */
  showRun(runId: string): void;
}

const POINT_TITLE: Record<string, string> = { sync_point: "sync point", quality: "quality gate", branch_work: "work order" };

export function render(st: ViewState, actions: Actions): void {
  const status = st.status;
  const root = byId("app");
  const decision = status?.status === "interrupted" ? status.pending_interrupts.find((i) => i.point !== "branch_work") : undefined;
  root.dataset.status = status?.status ?? "loading";
  root.dataset.point = decision?.point ?? (status?.pending_interrupts.length ? "branch_work" : "");
  root.setAttribute("aria-busy", String(!status));
  renderHeader(st);
  renderOrigin(st, actions);
  const err = byId("error");
  if (err.textContent !== (st.error ?? "")) fill(err, st.error ? h("p", { class: "error" }, st.error) : null);
  renderDecision(st, decision, actions);
  const passed = passedNodes(st);
  section("graph", `${st.tl.lastSeq}|${status?.status}|${root.dataset.point}|${[...passed].join()}`, !!status, (el) => fill(el,
    h("h2", { id: "graph-title" }, "Path through the workflow"),
    graphSvg(passed, status?.status === "running" ? st.tl.activeNodes() : new Set(), waitingNodes(status, st.tl)),
    h("p", { class: "legend" }, h("span", { class: "key passed" }, "passed"), h("span", { class: "key active" }, "working"),
      h("span", { class: "key waiting" }, "waiting"), h("span", { class: "key idle" }, "not reached"))));
  renderBranches(st);
  const result = status?.result;
  section("report", result ? `${status?.run_id}|${result.report.length}|${result.quality_score}` : "", !!result, (el) => {
    const describe = (id: string) => {
      const t = st.run?.tasks?.find((x) => x.id === id);
      return t ? `${id} ${t.focus ?? t.type ?? ""}`.trim() : id;
    };
    fill(el,
      h("h2", { id: "report-title" }, "Report"),
      h("p", {}, `Quality ${pct(result!.quality_score)}`, result!.partial ? " (partial)" : "", result!.revisions ? `, ${result!.revisions} revision rounds` : ""),
      h("h3", {}, "Source attribution"),
      attributionChart(result!.source_attribution ?? {}, describe),
      h("details", { open: true }, h("summary", {}, "Full report"), h("div", { class: "md" }, renderMarkdown(result!.report))));
  });
  renderHistory(st, actions);
  const recent = st.tl.recent;
  section("timeline", `${st.tl.lastSeq}`, recent.length > 0, (el) => fill(el,
    h("h2", { id: "timeline-title" }, "Latest events"),
    h("ol", { class: "events", reversed: true },
      [...recent].reverse().map((e) => h("li", { value: e.seq },
        h("time", { datetime: e.timestamp }, e.timestamp.slice(11, 19)), " ",
        h("span", { class: `ev ev-${e.event}` }, e.event),
        e.node ? h("span", { class: "muted" }, ` ${e.node}`) : null,
        e.branch_id ? h("span", { class: "muted" }, ` [${e.branch_id}]`) : null)))));
}

/** The nodes the run entered; on a fork also those its original passed before the checkpoint it started from. */
function passedNodes(st: ViewState): Set<string> {
  const o = st.origin;
  const from = st.status?.forked_from;
  if (!from || !o?.next || o.run_id !== from.run_id || o.checkpoint_id !== from.checkpoint_id) return st.tl.passed;
  const keptNodes = st.tl.kept.map((id) => st.run?.completed_branches?.[id]?.node).filter((n): n is string => !!n);
  return new Set([...st.tl.passed, ...inheritedNodes(o.next, keptNodes)]);
}

function renderHeader(st: ViewState): void {
  const s = st.status;
  const p = s?.progress;
  section("header", JSON.stringify([s?.run_id, s?.status, p, st.run?.objective, s?.workflow_mode, s?.error]), true, (el) => fill(el,
    h("h1", { tabindex: -1 }, st.run?.objective ?? "Conductor run"),
    s ? h("p", { class: "meta" },
      h("span", { class: `badge ${s.status}` }, s.status), " ",
      h("code", { title: "run id" }, s.run_id), " ",
      s.workflow_mode ? h("span", {}, `mode ${s.workflow_mode}`) : null, " ",
      h("span", {}, `executor ${s.executor}`)) : h("p", { class: "muted" }, "Waiting for the run…"),
    p ? h("p", { class: "progress" }, `${p.branches_completed} of ${p.branches_total} branches completed, ${p.branches_failed} failed`) : null,
    s?.error ? h("p", { class: "error" }, s.error) : null));
  if (st.focus === "header" && s) {
    st.focus = undefined;
    byId("header").querySelector<HTMLElement>("h1")?.focus();
  }
  const live = byId("live");
  const words = s ? `Run ${s.status}${s.status === "interrupted" ? `, waiting at ${s.pending_interrupts.map((i) => POINT_TITLE[i.point]).join(", ")}` : ""}.` : "";
  if (live.textContent !== words) live.textContent = words;
}

function renderDecision(st: ViewState, decision: PendingInterrupt | undefined, actions: Actions): void {
  const orders = st.status?.status === "interrupted" ? st.status.pending_interrupts.filter((i) => i.point === "branch_work") : [];
  const key = JSON.stringify([decision?.interrupt_id, orders.map((o) => o.interrupt_id), st.canAct]);
  const hadFocus = byId("decision").contains(document.activeElement);
  section("decision", key, !!decision || orders.length > 0, (el) => {
    fill(el, decision ? decisionForm(decision, st.canAct, actions) : null, orders.length ? workOrders(orders, !decision) : null);
    if (hadFocus) el.querySelector<HTMLElement>("h2")?.focus();
  });
  for (const b of byId("decision").querySelectorAll<HTMLButtonElement>("button[data-decision]")) {
    b.disabled = !!st.busy || !st.canAct;
    b.setAttribute("aria-busy", String(st.busy === b.dataset.decision));
  }
  const busy = byId("decision").querySelector(".sending");
  if (busy) busy.textContent = st.busy ? `Sending ${st.busy}…` : "";
}

function decisionForm(i: PendingInterrupt, canAct: boolean, actions: Actions): HTMLElement {
  const sp = typeof i.payload.sync_point === "string" ? ` "${i.payload.sync_point}"` : "";
  const feedback = h("textarea", { id: "feedback", rows: 3, "aria-describedby": "feedback-hint", placeholder: "What should the re-run branches do better?" });
  const hint = h("p", { id: "feedback-hint", class: "hint" }, "Revise re-runs the weakest branches with this feedback.");
  let confirmReject = false;
  const click = (d: Decision) => (ev: Event) => {
    const btn = ev.currentTarget as HTMLButtonElement;
    const text = feedback.value.trim();
    if (d === "revise" && !text) {
      hint.textContent = "Write the feedback first: Revise sends it to the re-run branches.";
      hint.classList.add("error");
      feedback.focus();
      return;
    }
    if (d === "reject" && !confirmReject) {
      confirmReject = true;
      btn.textContent = "Confirm reject";
      hint.textContent = "Reject cancels the run. Press Confirm reject to do it.";
      return;
    }
    actions.decide(i, d, text || undefined);
  };
  const button = (d: Decision, label: string, cls: string) =>
    i.options.includes(d) ? h("button", { type: "button", class: cls, "data-decision": d, onclick: click(d) }, label) : null;
  return h("div", { class: "card decision", "data-interrupt": i.interrupt_id },
    h("h2", { id: "decision-title", tabindex: -1 }, `Your decision: ${POINT_TITLE[i.point]}${sp}`),
    h("p", { class: "summary" }, i.summary),
    h("label", { for: "feedback" }, "Feedback (for Revise)"),
    feedback, hint,
    h("div", { class: "actions" },
      button("approve", "Approve", "primary"), button("revise", "Revise", "secondary"), button("reject", "Reject", "danger")),
    canAct ? null : h("p", { class: "hint" }, "This host does not let the view call tools; answer in the chat."),
    h("p", { class: "sending", "aria-live": "polite" }));
}

function workOrders(orders: PendingInterrupt[], titled: boolean): HTMLElement {
  return h("div", { class: "card orders" },
    h(titled ? "h2" : "h3", { id: titled ? "decision-title" : undefined, tabindex: -1 }, `Work orders for the assistant (${orders.length})`),
    h("p", { class: "hint" }, "The assistant does each order's work and answers it with approve_interrupt and branch_results."),
    h("ul", {}, orders.map((o) => {
      const task = (o.payload.task ?? {}) as { description?: string; type?: string };
      return h("li", {}, h("strong", {}, String(o.payload.branch_id ?? "")), ` ${task.type ?? ""}: ${task.description ?? o.summary}`);
    })));
}

const pair = (term: string, value: string) => h("div", {}, h("dt", {}, term), h("dd", {}, value));

function renderBranches(st: ViewState): void {
  const rows = branchViews(st.run, st.tl);
  section("branches", JSON.stringify(rows), rows.length > 0, (el) => fill(el,
    h("h2", { id: "branches-title" }, `Branches (${rows.length})`),
    h("ul", { class: "branches" }, rows.map((b) => h("li", { class: `branch ${b.status}`, "data-branch": b.branch_id },
      h("div", { class: "branch-head" }, h("strong", {}, b.branch_id), " ", h("span", { class: `badge ${b.status}` }, b.status)),
      b.description ? h("p", { class: "desc" }, b.description) : null,
      h("dl", {},
        pair("node", b.node || "—"), pair("agent", b.agent || "—"),
        pair("quality", b.quality !== undefined ? pct(b.quality) : "—"), pair("time", b.seconds !== undefined ? seconds(b.seconds) : "—"),
        b.attempt && b.attempt > 1 ? pair("attempt", String(b.attempt)) : null))))));
}
