/**
 * The run view's history (get_run_history) and "Try again from here" (fork_run) in Chromium: the view lists a
 * paused run's checkpoints, starts a fork from its quality gate, follows the fork, and links back to the original.
 * The server is asked through the test's MCP client whether the fork really exists, began with run_forked and
 * completed, and whether the original stayed as it was.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Frame } from "playwright-core";
import { call, connect, type Connected } from "../helpers/server.js";
import { fiveTaskRequest, readJson, timeline, type Status } from "../helpers/workflow.js";
import { ARTIFACTS, CHROMIUM, openHost, requireChromium, viewFrame, type Harness } from "./harness.js";

interface Checkpoint { checkpoint_id: string; step: number; next: string[]; point: string | null; branches_settled: number }
interface History { run_id: string; checkpoints: Checkpoint[]; total: number; next_after: string | null }
type Fork = Status & { forked_from?: { run_id: string; checkpoint_id: string } };

let server: Connected;
let host: Harness;
let views = 0;

async function shot(frame: Frame, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const el = await frame.frameElement();
  const box = await el.boundingBox();
  await host.page.setViewportSize({ width: 400, height: Math.ceil((box?.y ?? 0) + (box?.height ?? 900) + 16) });
  await host.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await el.screenshot({ path: path.join(ARTIFACTS, name) });
  await host.page.setViewportSize({ width: 400, height: 900 });
}

async function startInView(extra: Record<string, unknown> = {}): Promise<{ frame: Frame; status: Status }> {
  requireChromium();
  const result = await host.page.evaluate((args) => window.host.showToolCall("start_workflow", args), fiveTaskRequest(extra));
  return { frame: await viewFrame(host.page, views++), status: result.structuredContent as unknown as Status };
}

const history = (runId: string) => call<History>(server.client, "get_run_history", { run_id: runId, limit: 500 });
const shownSteps = (frame: Frame) => frame.$$eval("#history li[data-checkpoint]", (l) => l.map((x) => Number(x.getAttribute("data-step"))));
const forkable = (frame: Frame) => frame.$$eval("#history button.fork-open", (b) => b.map((x) => x.getAttribute("data-checkpoint")));
const calls = (name: string) => host.page.evaluate((n) => window.host.calls.filter((c) => c === n).length, name);
const noSideScroll = (frame: Frame) => frame.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

describe("run view: history and forks in Chromium", () => {
  before(async () => {
    server = await connect();
    if (fs.existsSync(CHROMIUM)) host = await openHost(server.client);
  });
  after(async () => {
    await host?.close();
    await server?.close();
  });

  it("lists a paused run's checkpoints, forks from its quality gate with approvals off, follows the fork and links back", async (t) => {
    const { frame, status } = await startInView();
    await frame.waitForSelector('main[data-point="sync_point"]');
    // The sync point is approved in the chat: the view sees the run move and reads its history again.
    await call(server.client, "approve_interrupt", { run_id: status.run_id, decision: "approve" });
    await frame.waitForSelector('main[data-status="interrupted"][data-point="quality"]');
    const hist = await history(status.run_id);
    const quality = hist.checkpoints.find((c) => c.point === "quality");
    assert.ok(quality, "the run has a checkpoint at the quality gate");
    await frame.waitForSelector(`#history li[data-checkpoint="${quality.checkpoint_id}"]`);
    assert.deepEqual(await shownSteps(frame), hist.checkpoints.map((c) => c.step), "every checkpoint, oldest first");
    assert.match((await frame.textContent("#history h2")) ?? "", new RegExp(`History \\(${hist.total} checkpoints\\)`));
    const row = await frame.textContent(`#history li[data-checkpoint="${quality.checkpoint_id}"]`);
    assert.match(row ?? "", new RegExp(`Step ${quality.step}`));
    assert.match(row ?? "", /paused at the quality gate/);
    assert.match(row ?? "", /next\s*quality_validator/);
    assert.match(row ?? "", /branches settled\s*5/);
    const expected = hist.checkpoints.filter((c) => ["sync_point", "quality"].includes(c.point ?? "") ||
      c.next.includes("sync_point_manager") || c.next.includes("quality_validator")).map((c) => c.checkpoint_id);
    assert.deepEqual(await forkable(frame), expected, "Try again from here at the sync point and the quality gate only");
    assert.equal(await frame.isHidden("#origin"), true, "the original is no fork");
    await (await frame.$("#history"))!.screenshot({ path: path.join(ARTIFACTS, "run-view-history.png") });

    // Open the form with the keyboard: focus the control, Enter; the first field gets the focus.
    const open = `#history button.fork-open[data-checkpoint="${quality.checkpoint_id}"]`;
    await frame.focus(open);
    await host.page.keyboard.press("Enter");
    await frame.waitForSelector("#fork-form");
    assert.equal(await frame.evaluate(() => document.activeElement?.id), "fork-threshold");
    assert.equal(await frame.getAttribute(open, "aria-expanded"), "true");
    // Escape closes it and gives the focus back to the control.
    await host.page.keyboard.press("Escape");
    await frame.waitForSelector("#fork-form", { state: "detached" });
    assert.equal(await frame.evaluate(() => (document.activeElement as HTMLElement).className), "fork-open");

    await frame.click(open);
    // A threshold out of range is caught in the view, and nothing is sent.
    await frame.fill("#fork-threshold", "1.5");
    await frame.click("button[data-fork-submit]");
    assert.match((await frame.textContent("#fork-hint")) ?? "", /number from 0 to 1/);
    assert.equal(await frame.evaluate(() => document.activeElement?.id), "fork-threshold");
    assert.equal(await calls("tool:fork_run"), 0);
    // The task select lists the run's tasks and fills in the chosen one's description.
    assert.deepEqual(await frame.$$eval("#fork-task option", (o) => o.map((x) => (x as HTMLOptionElement).value)), ["", "t1", "t2", "t3", "t4", "t5"]);
    await frame.selectOption("#fork-task", "t2");
    assert.equal(await frame.inputValue("#fork-description"), "market revenue, growth and customer demand");
    await frame.selectOption("#fork-task", "");
    assert.equal(await frame.isDisabled("#fork-description"), true);
    assert.equal(await noSideScroll(frame), true, "the open form fits 360 px");
    await shot(frame, "run-view-fork-form.png");

    await frame.fill("#fork-threshold", "");
    await frame.selectOption("#fork-approvals", "off");
    await frame.click("button[data-fork-submit]");
    // The view follows the fork: another run id, completed, with the link to the original.
    await frame.waitForSelector(`#origin:not([hidden]) button[data-show-run="${status.run_id}"]`);
    await frame.waitForSelector('main[data-status="completed"] #report:not([hidden])');
    const forkId = (await frame.textContent('#header code[title="run id"]'))!;
    assert.notEqual(forkId, status.run_id);
    assert.equal(await frame.textContent("#origin-text"), `Forked from ${status.run_id} at step ${quality.step}`);
    assert.equal(await frame.evaluate(() => document.activeElement?.id), "origin-text", "the focus moves to the fork's origin");
    assert.equal(await calls("tool:fork_run"), 1);
    // The graph shows the path the fork took over from its original as well as its own (once the view has read the
    // fork's timeline: its run_forked event names the kept branches, whose nodes it marks).
    const taken = ["task_analyzer", "parallel_coordinator", "research_branch_alpha", "analysis_branch_secondary", "sync_point_manager",
      "branch_merger", "quality_validator", "final_integrator"];
    await frame.waitForFunction((nodes) => nodes.every((n) => document.querySelector(`svg.graph g.node[data-node="${n}"]`)?.getAttribute("data-state") === "passed"), taken, { timeout: 5000 })
      .catch(() => undefined); // the assertions below say which node is not marked
    const states = await frame.$$eval("svg.graph g.node", (gs) => Object.fromEntries(gs.map((g) => [g.getAttribute("data-node"), g.getAttribute("data-state")])));
    for (const n of taken) assert.equal(states[n], "passed", n);
    assert.equal(states.load_balancer, "idle");

    // Through the MCP client: the fork exists, began with run_forked, completed; the original is as it was.
    const fork = await readJson<Fork>(server.client, `orchestrator://runs/${forkId}`);
    assert.equal(fork.status, "completed");
    assert.deepEqual(fork.forked_from, { run_id: status.run_id, checkpoint_id: quality.checkpoint_id });
    const events = await timeline(server.client, forkId);
    assert.equal(events[0]?.event, "run_forked");
    assert.equal(events[0]?.data?.from_run_id, status.run_id);
    assert.equal(events[0]?.data?.checkpoint_id, quality.checkpoint_id);
    assert.ok(!events.some((e) => e.event === "interrupted"), "approvals off: the fork did not pause");
    const original = await readJson<Status>(server.client, `orchestrator://runs/${status.run_id}`);
    assert.equal(original.status, "interrupted");
    assert.deepEqual(original.pending_interrupts.map((i) => i.point), ["quality"]);
    // The fork's own history is shown (what it kept after it ended).
    const forkHist = await history(forkId);
    await frame.waitForFunction((n) => document.querySelectorAll("#history li[data-checkpoint]").length === n, forkHist.total);
    assert.deepEqual(await shownSteps(frame), forkHist.checkpoints.map((c) => c.step));
    assert.equal(await noSideScroll(frame), true);
    await shot(frame, "run-view-fork.png");

    // The link shows the original again, paused at its quality gate, with its own history and no origin.
    await frame.click(`#origin button[data-show-run="${status.run_id}"]`);
    await frame.waitForSelector('main[data-status="interrupted"][data-point="quality"]');
    await frame.waitForFunction((id) => document.querySelector('#header code[title="run id"]')?.textContent === id, status.run_id);
    assert.equal(await frame.isHidden("#origin"), true);
    assert.equal(await frame.isHidden("#report"), true);
    await frame.waitForSelector(`#history li[data-checkpoint="${quality.checkpoint_id}"]`);
    assert.deepEqual(await shownSteps(frame), hist.checkpoints.map((c) => c.step));
    assert.match((await frame.textContent("#decision h2")) ?? "", /quality gate/);
    t.diagnostic(`fork ${forkId}: ${events.length} events, run_forked kept ${JSON.stringify(events[0]?.data?.kept)}`);
  });

  it("pages a long history with Show more, and forks from a checkpoint on the second page", async () => {
    const base = fiveTaskRequest() as { tasks: unknown[] };
    const tasks = [...base.tasks, ...base.tasks];
    const sync_points = Object.fromEntries(tasks.map((_, i) => [`s${i + 1}`, [`t${i + 1}`]]));
    const { frame, status } = await startInView({ tasks, sync_points, approvals: ["quality"] });
    assert.equal(status.status, "interrupted");
    const hist = await history(status.run_id);
    assert.ok(hist.total > 25, `${hist.total} checkpoints`);
    await frame.waitForSelector("#history button[data-history-more]");
    assert.deepEqual(await shownSteps(frame), hist.checkpoints.slice(0, 25).map((c) => c.step), "the first page");
    assert.match((await frame.textContent("#history h2")) ?? "", new RegExp(`25 of ${hist.total} checkpoints`));
    const quality = hist.checkpoints.find((c) => c.point === "quality")!;
    assert.equal(await frame.$(`#history li[data-checkpoint="${quality.checkpoint_id}"]`), null, "the quality gate is on the second page");

    // With the keyboard: the last page hides the control, and the focus goes to the first checkpoint it added.
    await frame.focus("#history button[data-history-more]");
    await host.page.keyboard.press("Enter");
    await frame.waitForSelector(`#history li[data-checkpoint="${quality.checkpoint_id}"]`);
    assert.deepEqual(await shownSteps(frame), hist.checkpoints.map((c) => c.step), "both pages, oldest first");
    assert.equal(await frame.isHidden("#history button[data-history-more]"), true, "nothing more to show");
    assert.equal(await frame.evaluate(() => document.activeElement?.getAttribute("data-step")), String(hist.checkpoints[25]!.step));

    // Change a task too: it runs again in the fork, the others are kept.
    await frame.click(`#history button.fork-open[data-checkpoint="${quality.checkpoint_id}"]`);
    await frame.selectOption("#fork-approvals", "off");
    await frame.fill("#fork-threshold", "0.5");
    await frame.selectOption("#fork-task", "t10");
    await frame.fill("#fork-description", "latency and power benchmarks of the newest chips");
    await frame.click("button[data-fork-submit]");
    await frame.waitForSelector(`#origin:not([hidden]) button[data-show-run="${status.run_id}"]`);
    await frame.waitForSelector('main[data-status="completed"]');
    const forkId = (await frame.textContent('#header code[title="run id"]'))!;
    const forked = (await timeline(server.client, forkId))[0];
    assert.equal(forked?.event, "run_forked");
    assert.deepEqual(forked?.data?.rerun, ["t10"]);
    const fork = await readJson<Status & { tasks: Array<{ id: string; description: string }> }>(server.client, `orchestrator://runs/${forkId}`);
    assert.equal(fork.status, "completed");
    assert.equal(fork.tasks.find((x) => x.id === "t10")?.description, "latency and power benchmarks of the newest chips");
  });
});
