/**
 * The run view (MCP Apps) in a real browser: Debian's Chromium, a test host page embedding the view through
 * ext-apps' AppBridge, and the built server behind a real MCP client. Approve and Revise are clicked in the
 * view; the server must then say the run moved on, and the view must show it.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Frame } from "playwright-core";
import { call, connect, ROOT, structuredContent, type Connected } from "../helpers/server.js";
import { fiveTaskRequest, readJson, timeline, type Status } from "../helpers/workflow.js";
import { armClickTimer, ARTIFACTS, CHROMIUM, clickCost, openHost, requireChromium, viewFrame, type Harness } from "./harness.js";

const VIEW_URI = "ui://orchestrator/run.html";
const MIME = "text/html;profile=mcp-app";

let server: Connected;
let host: Harness;
let views = 0;

async function shot(frame: Frame, name: string): Promise<Buffer> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const el = await frame.frameElement();
  // A headless page paints only what is in its viewport: make it as tall as the view.
  const box = await el.boundingBox();
  await host.page.setViewportSize({ width: 400, height: Math.ceil((box?.y ?? 0) + (box?.height ?? 900) + 16) });
  await host.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const png = await el.screenshot({ path: path.join(ARTIFACTS, name) });
  await host.page.setViewportSize({ width: 400, height: 900 });
  return png;
}

/** Has the host call start_workflow as the assistant would, and returns the view's frame and the run. */
async function startInView(extra: Record<string, unknown> = {}): Promise<{ frame: Frame; status: Status }> {
  requireChromium();
  const result = await host.page.evaluate((args) => window.host.showToolCall("start_workflow", args), fiveTaskRequest(extra));
  const frame = await viewFrame(host.page, views++);
  await frame.waitForFunction("document.documentElement.scrollHeight <= window.innerHeight + 1", undefined, { timeout: 5000 });
  return { frame, status: structuredContent<Status>(result) };
}

describe("run view in Chromium", () => {
  before(async () => {
    server = await connect();
    // Without Chromium each browser test fails with the reason (below); the resource test still runs.
    if (fs.existsSync(CHROMIUM)) host = await openHost(server.client);
  });
  after(async () => {
    await host?.close();
    await server?.close();
  });

  it(`has Chromium at ${CHROMIUM}`, () => requireChromium());

  it("is linked from start_workflow, approve_interrupt and fork_run and served as one self-contained HTML file", async (t) => {
    const tools = (await server.client.listTools()).tools;
    for (const name of ["start_workflow", "approve_interrupt", "fork_run"]) {
      const meta = tools.find((x) => x.name === name)?._meta as { ui?: { resourceUri?: string } } | undefined;
      assert.equal(meta?.ui?.resourceUri, VIEW_URI, name);
    }
    assert.equal((tools.find((x) => x.name === "get_timeline")?._meta as { ui?: unknown } | undefined)?.ui, undefined);
    const listed = (await server.client.listResources()).resources.find((r) => r.uri === VIEW_URI);
    assert.equal(listed?.mimeType, MIME);
    const read = (await server.client.readResource({ uri: VIEW_URI })).contents[0] as { mimeType: string; text: string };
    assert.equal(read.mimeType, MIME);
    assert.match(read.text, /^<!doctype html>/i);
    assert.doesNotMatch(read.text, /<(script|link|img)\b[^>]*\b(src|href)=/i, "no external scripts, styles or images");
    const bytes = Buffer.byteLength(read.text);
    // ext-apps 2.x's App is built on the SDK v2 Client (about 160 kB of the 443 kB at ext-apps 2.0.4; 1.7 was under 400 kB).
    assert.ok(bytes < 500_000, `the view is ${bytes} bytes`);
    t.diagnostic(`run view size: ${bytes} bytes`);
  });

  it("shows a paused run, and Approve moves it on to the quality gate and then to its report", async (t) => {
    const { frame, status } = await startInView();
    assert.equal(status.status, "interrupted");
    await frame.waitForSelector('main[data-status="interrupted"][data-point="sync_point"]');
    await frame.waitForSelector('#branches li[data-branch="t5"] .badge.success');
    assert.equal(await frame.textContent("#decision h2"), 'Your decision: sync point "all"');
    assert.match((await frame.textContent("#decision .summary")) ?? "", /5 of 5 branches completed/);
    const states = await frame.$$eval("svg.graph g.node", (gs) => Object.fromEntries(gs.map((g) => [g.getAttribute("data-node"), g.getAttribute("data-state")])));
    for (const n of ["task_analyzer", "parallel_coordinator", "research_branch_alpha", "research_branch_beta", "research_branch_gamma", "analysis_branch_primary", "analysis_branch_secondary"]) {
      assert.equal(states[n], "passed", n);
    }
    assert.equal(states.sync_point_manager, "waiting");
    assert.equal(states.final_integrator, "idle");
    const t1 = await frame.textContent('#branches li[data-branch="t1"]');
    assert.match(t1 ?? "", /research_branch_alpha/);
    assert.match(t1 ?? "", /research_specialist/);
    assert.match(t1 ?? "", /quality\s*90\.0%/);
    assert.match(t1 ?? "", /time\s*\d+ ms/);
    assert.ok(await frame.$$eval("#timeline li", (l) => l.length) > 0);
    await shot(frame, "run-view-sync-point.png");

    // Approve with the mouse, timed from the click to the view showing the quality gate.
    await armClickTimer(frame, "approve", { status: "interrupted", point: "quality" });
    await frame.click('button[data-decision="approve"]');
    const approveMs = await clickCost(frame);
    let run = await readJson<Status>(server.client, `orchestrator://runs/${status.run_id}`);
    assert.equal(run.status, "interrupted");
    assert.deepEqual(run.pending_interrupts.map((i) => i.point), ["quality"]);
    assert.match((await frame.textContent("#decision h2")) ?? "", /quality gate/);
    await frame.waitForSelector('svg.graph g[data-node="quality_validator"][data-state="waiting"]');
    await frame.waitForSelector('svg.graph g[data-node="branch_merger"][data-state="passed"]');
    const png = await shot(frame, "run-view-quality.png");
    if (process.env.UPDATE_SCREENSHOT) fs.writeFileSync(path.join(ROOT, "docs/run-view.png"), png);
    t.diagnostic(`Approve click to view showing the quality gate: ${approveMs.toFixed(1)} ms`);

    // Approve again with the keyboard: Tab from the feedback box reaches Approve, Enter presses it.
    await frame.focus("#feedback");
    await host.page.keyboard.press("Tab");
    assert.equal(await frame.evaluate(() => (document.activeElement as HTMLElement).dataset.decision), "approve");
    await armClickTimer(frame, "approve", { status: "completed" });
    await host.page.keyboard.press("Enter");
    const finishMs = await clickCost(frame);
    run = await readJson<Status>(server.client, `orchestrator://runs/${status.run_id}`);
    assert.equal(run.status, "completed");
    await frame.waitForSelector("#report:not([hidden]) svg.chart");
    assert.equal(await frame.$$eval("svg.chart g.bar", (b) => b.length), Object.keys(run.result!.source_attribution).length);
    assert.ok(await frame.$$eval("#report .md table", (x) => x.length) >= 2, "the report's tables are rendered");
    assert.ok(await frame.$$eval("#report .md h3, #report .md h4", (x) => x.length) >= 4, "the report's headings are rendered");
    assert.equal(await frame.isHidden("#decision"), true);
    assert.equal(await frame.getAttribute('svg.graph g[data-node="final_integrator"]', "data-state"), "passed");
    const asked = await host.page.evaluate(() => window.host.calls);
    assert.ok(asked.includes("tool:get_timeline") && asked.includes(`resource:orchestrator://runs/${status.run_id}`), "the view follows the run through the host");
    const fits = await frame.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
    assert.ok(fits, "no horizontal scrolling at 360 px");
    await shot(frame, "run-view-completed.png");
    t.diagnostic(`second Approve (keyboard) to view showing the completed run: ${finishMs.toFixed(1)} ms`);
    fs.writeFileSync(path.join(ARTIFACTS, "run-view-metrics.json"), JSON.stringify({ approve_to_quality_ms: approveMs, approve_to_completed_ms: finishMs }, null, 2));

    await host.page.evaluate(() => window.host.setTheme("dark"));
    await frame.waitForFunction(() => document.documentElement.dataset.theme === "dark");
    const bg = await frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, "rgb(27, 27, 31)", "the host's dark background variable is used");
    await shot(frame, "run-view-dark.png");
    await host.page.evaluate(() => window.host.setTheme("light"));
  });

  it("lists branch_work orders and follows the run live while the assistant answers them in the chat", async (t) => {
    const { frame, status } = await startInView({ executor: "delegate", mode: "parallel" });
    assert.deepEqual(status.pending_interrupts.map((i) => i.point), Array(5).fill("branch_work"));
    await frame.waitForSelector('main[data-status="interrupted"][data-point="branch_work"]');
    assert.equal(await frame.$$eval("#decision .orders li", (l) => l.length), 5);
    assert.equal(await frame.$$eval("#decision button[data-decision]", (b) => b.length), 0, "work orders are the assistant's, not buttons");
    const sources: Record<string, string> = { t1: "technical.md", t2: "market.md", t3: "competitive.md", t4: "shipments.csv", t5: "benchmarks.csv" };
    // The assistant answers in the chat: the view gets no tool result and must see the change by polling.
    const answered = await call<Status>(server.client, "approve_interrupt", { run_id: status.run_id, decision: "approve", branch_results:
      Object.entries(sources).map(([branch_id, source]) => ({ branch_id, findings: [{ text: `Delegated finding from ${source}.`, source }], confidence: 0.8 })) });
    const at = Date.now();
    assert.deepEqual(answered.pending_interrupts.map((i) => i.point), ["sync_point"]);
    await frame.waitForSelector('main[data-status="interrupted"][data-point="sync_point"]', { timeout: 5000 });
    const lag = Date.now() - at;
    await frame.waitForSelector('#branches li[data-branch="t5"] .badge.success');
    t.diagnostic(`live update after an answer in the chat: ${lag} ms (polling every ~1 s)`);
  });

  it("sends Revise with the feedback typed in the view, and shows text from the run as text", async () => {
    const { frame, status } = await startInView({ objective: "Edge AI <img src=x onerror=alert(1)> assessment" });
    await frame.waitForSelector('main[data-point="sync_point"]');
    assert.equal(await frame.textContent("h1"), "Edge AI <img src=x onerror=alert(1)> assessment");
    assert.equal(await frame.$$eval("h1 img", (x) => x.length), 0);

    // Revise without feedback asks for it and sends nothing.
    const before = await host.page.evaluate(() => window.host.calls.filter((c) => c === "tool:approve_interrupt").length);
    await frame.click('button[data-decision="revise"]');
    assert.match((await frame.textContent("#feedback-hint")) ?? "", /Write the feedback first/);
    assert.equal(await frame.evaluate(() => document.activeElement?.id), "feedback");
    assert.equal(await host.page.evaluate(() => window.host.calls.filter((c) => c === "tool:approve_interrupt").length), before);

    const feedback = "Cite the shipment figures and name the three incumbents.";
    const first = await frame.getAttribute("#decision .decision", "data-interrupt");
    await frame.fill("#feedback", feedback);
    await frame.click('button[data-decision="revise"]');
    // The weakest branches run again and the run pauses at the sync point once more, with a new interrupt.
    await frame.waitForSelector(`main[data-status="interrupted"][data-point="sync_point"] #decision .decision:not([data-interrupt="${first}"])`);
    const revisions = (await timeline(server.client, status.run_id)).filter((e) => e.event === "revision_requested");
    assert.deepEqual(revisions.map((e) => e.data?.feedback), [feedback]);
    const retried = (await timeline(server.client, status.run_id)).filter((e) => e.event === "branch_retried").map((e) => e.branch_id!);
    assert.ok(retried.length > 0, "the weakest branches were re-run");
    await frame.waitForSelector(`#branches li[data-branch="${retried[0]}"] dd:text-is("2")`);
    assert.equal(await frame.inputValue("#feedback"), "", "the new pause starts with an empty feedback box");
    await shot(frame, "run-view-revised.png");
  });
});
