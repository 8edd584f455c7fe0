/**
 * The run's history (get_run_history) with "Try again from here" at its sync points and quality gate, and, on a
 * fork, where it started. The history's rows are kept by checkpoint id and only added or removed, and the open
 * form is never rebuilt by a poll, so what a person types there stays while the run moves on.
 */
import { byId, fill, h, section } from "./dom.js";
import { canForkFrom, forkChanges, settledCount, type Checkpoint, type ForkForm } from "./model.js";
import type { Actions, ViewState } from "./view.js";

const POINT_WORD: Record<string, string> = { sync_point: "paused at a sync point", quality: "paused at the quality gate", branch_work: "waiting for work orders" };

/** "Forked from <run> at step N", with a control that shows the original run. */
export function renderOrigin(st: ViewState, actions: Actions): void {
  const from = st.status?.forked_from;
  const o = st.origin && from && st.origin.run_id === from.run_id && st.origin.checkpoint_id === from.checkpoint_id ? st.origin : from;
  const step = o && "step" in o ? o.step : undefined;
  section("origin", JSON.stringify([o, st.canAct]), !!o, (el) => fill(el,
    h("p", { id: "origin-text", tabindex: -1 }, "Forked from ", h("code", {}, o!.run_id),
      step !== undefined ? ` at step ${step}` : h("span", { class: "muted" }, ` at checkpoint ${o!.checkpoint_id}`)),
    st.canAct ? h("button", { type: "button", class: "secondary", "data-show-run": o!.run_id, onclick: () => actions.showRun(o!.run_id) },
      "Show the original run") : null));
  if (st.focus === "origin" && o) {
    st.focus = undefined;
    byId("origin-text").focus();
  }
}

let shownRun: string | undefined;
const rows = new Map<string, { key: string; li: HTMLLIElement }>();

export function renderHistory(st: ViewState, actions: Actions): void {
  const hist = st.history && st.history.run_id === st.status?.run_id ? st.history : undefined;
  const el = byId("history");
  el.hidden = !hist || !st.canAct;
  if (!hist || el.hidden) return;
  if (shownRun !== hist.run_id || !el.querySelector("ol")) {
    shownRun = hist.run_id;
    rows.clear();
    fill(el, h("h2", { id: "history-title" }), h("p", { class: "hint history-hint" }),
      h("ol", { class: "history" }), h("p", { class: "more", hidden: true },
        h("button", { type: "button", class: "secondary", "data-history-more": "", onclick: () => actions.moreHistory() })));
  }
  const title = `History (${hist.checkpoints.length < hist.total ? `${hist.checkpoints.length} of ` : ""}${hist.total} checkpoints)`;
  setText(el.querySelector("h2")!, title);
  setText(el.querySelector(".history-hint")!, hist.error ? `Could not read the history: ${hist.error}`
    : "Oldest first. Try again from here starts a new run (a fork) from that point; this run stays as it is.");
  el.querySelector(".history-hint")!.classList.toggle("error", !!hist.error);

  const ol = el.querySelector("ol")!;
  const more = el.querySelector<HTMLElement>(".more")!;
  const shownBefore = ol.children.length;
  const moreFocused = more.contains(document.activeElement);
  const wanted = hist.checkpoints.map((cp) => {
    const key = JSON.stringify([cp, st.forkOpen === cp.checkpoint_id]);
    let row = rows.get(cp.checkpoint_id);
    if (!row || row.key !== key) {
      const li = checkpointRow(cp, st, actions);
      if (row) row.li.replaceWith(li);
      row = { key, li };
      rows.set(cp.checkpoint_id, row);
    }
    return row.li;
  });
  const keep = new Set(wanted);
  for (const [id, row] of rows) if (!keep.has(row.li)) { row.li.remove(); rows.delete(id); }
  // Checkpoints are only appended or pruned, so the rows kept are already in order: only new ones go in.
  let cursor = ol.firstElementChild;
  for (const li of wanted) {
    if (cursor === li) cursor = cursor.nextElementSibling;
    else ol.insertBefore(li, cursor);
  }

  more.hidden = !hist.next_after;
  const button = more.querySelector("button")!;
  button.setAttribute("aria-disabled", String(!!st.historyBusy));
  setText(button, st.historyBusy ? "Reading…" : `Show more (${hist.total - hist.checkpoints.length} not shown)`);
  // The last page read hides the control: the focus goes to the first checkpoint it added.
  if (moreFocused && more.hidden) (ol.children[shownBefore] as HTMLElement | undefined)?.focus();
  const form = ol.querySelector("form.fork");
  if (form) updateForm(form as HTMLFormElement, st);
}

function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

const pair = (term: string, value: string) => h("div", {}, h("dt", {}, term), h("dd", {}, value));

function checkpointRow(cp: Checkpoint, st: ViewState, actions: Actions): HTMLLIElement {
  const open = st.forkOpen === cp.checkpoint_id;
  const forkable = canForkFrom(cp);
  return h("li", { class: `checkpoint${cp.point ? ` at-${cp.point}` : ""}`, "data-checkpoint": cp.checkpoint_id, "data-step": cp.step, tabindex: -1 },
    h("div", { class: "cp-head" },
      h("strong", {}, `Step ${cp.step}`), " ",
      cp.point ? h("span", { class: "badge interrupted" }, POINT_WORD[cp.point] ?? cp.point) : null,
      h("time", { datetime: cp.created_at, class: "muted" }, cp.created_at.slice(11, 19))),
    h("dl", {},
      pair("next", cp.next.length ? cp.next.join(", ") : "nothing (the end)"),
      pair("branches settled", String(settledCount(cp.branches_settled)))),
    forkable && st.canAct ? h("button", {
      type: "button", class: "fork-open", "data-checkpoint": cp.checkpoint_id, "aria-expanded": String(open),
      "aria-controls": open ? "fork-form" : undefined, onclick: () => actions.openFork(open ? undefined : cp.checkpoint_id),
    }, "Try again from here") : null,
    open ? forkForm(cp, st, actions) : null);
}

function forkForm(cp: Checkpoint, st: ViewState, actions: Actions): HTMLFormElement {
  const tasks = st.run?.tasks ?? [];
  const threshold = h("input", { id: "fork-threshold", name: "threshold", type: "number", min: 0, max: 1, step: 0.05, inputmode: "decimal",
    placeholder: "the run's", "aria-describedby": "fork-hint" });
  const approvals = h("select", { id: "fork-approvals", name: "approvals" },
    h("option", { value: "keep" }, "Keep the run's"),
    h("option", { value: "on" }, "On: pause at sync points and the quality gate"),
    h("option", { value: "off" }, "Off: run straight through"));
  const description = h("textarea", { id: "fork-description", name: "description", rows: 3, disabled: true, placeholder: "Choose a task first" });
  const task = h("select", { id: "fork-task", name: "task", onchange: () => {
    const chosen = tasks.find((t) => t.id === task.value);
    description.disabled = !chosen;
    description.value = chosen?.description ?? "";
    description.placeholder = chosen ? "What the branch should find out" : "Choose a task first";
  } }, h("option", { value: "" }, "None"), tasks.map((t) => h("option", { value: t.id }, `${t.id}${t.focus ?? t.type ? ` (${t.focus ?? t.type})` : ""}`)));
  const hint = h("p", { id: "fork-hint", class: "hint", "aria-live": "polite" },
    "Blank keeps the run's settings. Branches settled here are kept; a changed task and the tasks that depend on it run again.");
  const fields: Record<keyof ForkForm, HTMLElement> = { threshold, approvals, taskId: task, description };
  const submit = (ev: Event) => {
    ev.preventDefault();
    if (st.forking) return;
    const form: ForkForm = { threshold: threshold.value || (threshold.validity.badInput ? "?" : ""),
      approvals: approvals.value as ForkForm["approvals"], taskId: task.value, description: description.value };
    const r = forkChanges(form, tasks.map((t) => t.id));
    if ("error" in r) {
      hint.textContent = r.error;
      hint.classList.add("error");
      fields[r.field].focus();
      return;
    }
    actions.fork(cp, r.changes);
  };
  const form = h("form", { id: "fork-form", class: "card fork", "aria-labelledby": "fork-title", novalidate: true, onsubmit: submit,
    onkeydown: (ev) => { if ((ev as KeyboardEvent).key === "Escape") close(); } },
    h("h3", { id: "fork-title" }, `Try again from step ${cp.step}`),
    h("label", { for: "fork-threshold" }, "New quality threshold (0 to 1)"), threshold,
    h("label", { for: "fork-approvals" }, "Approvals"), approvals,
    h("label", { for: "fork-task" }, "Change a task"), task,
    h("label", { for: "fork-description" }, "Its new description"), description,
    hint,
    h("p", { class: "error fork-error", role: "alert" }),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", "data-fork-submit": "" }, "Start the fork"),
      h("button", { type: "button", onclick: () => close() }, "Cancel")));
  const close = () => {
    actions.openFork(undefined);
    document.querySelector<HTMLElement>(`button.fork-open[data-checkpoint="${CSS.escape(cp.checkpoint_id)}"]`)?.focus();
  };
  // Focus the first field once the form is in the document.
  queueMicrotask(() => threshold.focus());
  return form;
}

function updateForm(form: HTMLFormElement, st: ViewState): void {
  const submit = form.querySelector<HTMLButtonElement>("button[data-fork-submit]")!;
  // aria-disabled, not disabled: the focus stays on the button while the fork starts (and after an error).
  submit.setAttribute("aria-disabled", String(!!st.forking));
  submit.setAttribute("aria-busy", String(!!st.forking));
  setText(submit, st.forking ? "Starting the fork…" : "Start the fork");
  setText(form.querySelector(".fork-error")!, st.forkError ?? "");
}
