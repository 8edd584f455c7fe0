/**
 * Browser test fixture: Debian's headless Chromium driven by playwright-core (never a downloaded browser),
 * a tiny test host page served from 127.0.0.1, and the page wired to a real MCP client of the built server.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type BrowserContext, type Frame, type Page } from "playwright-core";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { tempDir } from "../helpers/server.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Fails (not skips) when Chromium is missing: CI installs it, and a missing browser must not pass unseen. */
export function requireChromium(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}; the run view's browser test needs it. ` +
      "Install it with `apt-get update && apt-get install -y chromium` (.ci/run does), or set CHROMIUM_PATH.");
  }
}

const HOST_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>conductor test host</title>
<style>
  body { margin: 0; padding: 16px; font: 14px system-ui, sans-serif; background: #f3f3f5; color: #1f2328; }
  html[data-theme="dark"] body { background: #111113; color: #ececf1; }
  #chat { width: 360px; }
  .turn p { margin: 0 0 4px; font-size: 12px; opacity: 0.7; }
  iframe { width: 360px; height: 200px; border: 1px solid #c8c8d0; border-radius: 10px; display: block; background: transparent; }
</style></head>
<body><p id="ready">loading host</p><div id="chat"></div><script src="/host.js"></script></body></html>`;

export interface Harness {
  page: Page;
  context: BrowserContext;
  url: string;
  close(): Promise<void>;
}

export async function openHost(client: Client): Promise<Harness> {
  requireChromium();
  const bundle = await build({
    entryPoints: [path.join(HERE, "host.ts")], bundle: true, write: false, format: "iife", platform: "browser", target: "es2022",
  });
  const hostJs = bundle.outputFiles[0]!.text;
  const server = http.createServer((req, res) => {
    if (req.url === "/") res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(HOST_PAGE);
    else if (req.url === "/host.js") res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(hostJs);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const context = await chromium.launchPersistentContext(tempDir("conductor-chromium-"), {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
    viewport: { width: 400, height: 900 },
    deviceScaleFactor: 2,
  });
  const page = context.pages()[0] ?? await context.newPage();
  // Nothing but the test host may be reached: the view must need no network.
  await context.route("**/*", (route) => (route.request().url().startsWith(url) ? route.continue() : route.abort()));
  await page.exposeFunction("mcpListTools", async () => (await client.listTools()).tools);
  await page.exposeFunction("mcpCallTool", async (params: { name: string; arguments?: Record<string, unknown> }) => client.callTool(params));
  await page.exposeFunction("mcpReadResource", async (params: { uri: string }) => client.readResource(params));
  await page.goto(url);
  await page.waitForSelector("#ready:text('host ready')");
  return {
    page, context, url,
    async close() {
      await context.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The frame of the n-th view the host shows. */
export async function viewFrame(page: Page, n: number): Promise<Frame> {
  const handle = await page.waitForSelector(`iframe#view-${n}`);
  const frame = await handle.contentFrame();
  if (!frame) throw new Error(`view ${n} has no frame`);
  return frame;
}

/**
 * Records, inside the view, when a decision button is clicked and when the view first shows `until`
 * (a predicate on the root's data-status and data-point), at the next animation frame after the change.
 */
// In-view scripts are strings: tsx would wrap functions passed to evaluate in helpers the page does not have.
const CLICK_TIMER = `(([decision, until]) => {
  const w = window;
  w.__timing = {};
  const root = document.getElementById("app");
  document.addEventListener("click", (e) => {
    if (e.target.closest && e.target.closest('button[data-decision="' + decision + '"]') && w.__timing.click === undefined) w.__timing.click = performance.now();
  }, true);
  const obs = new MutationObserver(() => {
    const seen = (until.status === undefined || root.dataset.status === until.status) && (until.point === undefined || root.dataset.point === until.point);
    if (w.__timing.click === undefined || !seen) return;
    obs.disconnect();
    requestAnimationFrame(() => { w.__timing.shown = performance.now(); });
  });
  obs.observe(root, { attributes: true, attributeFilter: ["data-status", "data-point"] });
})`;

/**
 * Records, inside the view, when a decision button is clicked (or pressed with the keyboard) and when the view
 * first shows `until` (the root's data-status and data-point), at the next animation frame after the change.
 */
export async function armClickTimer(frame: Frame, decision: string, until: { status?: string; point?: string }): Promise<void> {
  await frame.evaluate(`${CLICK_TIMER}(${JSON.stringify([decision, until])})`);
}

/** Milliseconds from the click to the view showing the awaited state. */
export async function clickCost(frame: Frame): Promise<number> {
  await frame.waitForFunction("window.__timing.shown !== undefined");
  return (await frame.evaluate("window.__timing.shown - window.__timing.click")) as number;
}

export const ARTIFACTS = path.resolve(HERE, "../../test-artifacts");
