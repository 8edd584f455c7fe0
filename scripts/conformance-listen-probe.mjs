#!/usr/bin/env node
// Does a 2026-07-28 `subscriptions/listen` stream get `notifications/resources/list_changed` when a run is
// created? The conformance suite cannot tell (its list-changed checks need fixture hooks this server lacks),
// so this asks directly, with a 2025-11-25 session's GET stream as the control. docs/conformance.md has the
// result.
//
//   node scripts/conformance-listen-probe.mjs [URL]      (default http://127.0.0.1:3999/mcp; a running
//                                                         `node dist/server.js --transport http` without tokens)
//
// Exit code: 0 when the listen stream got the notification, 1 when it did not, 2 when the probe failed.
const url = process.argv[2] ?? "http://127.0.0.1:3999/mcp";
const MODERN = "2026-07-28";
const OLD = "2025-11-25";
const meta = {
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "listen-probe", version: "0" },
};
const modernHeaders = (method, extra = {}) => ({
  "content-type": "application/json", accept: "application/json, text/event-stream",
  "mcp-protocol-version": MODERN, "mcp-method": method, ...extra,
});
const oldHeaders = (sessionId) => ({
  "content-type": "application/json", accept: "application/json, text/event-stream",
  "mcp-protocol-version": OLD, ...(sessionId ? { "mcp-session-id": sessionId } : {}),
});
const workflow = (runId) => ({
  objective: "listen probe", approvals: [], run_id: runId, wait_seconds: 0,
  tasks: [{ type: "research", description: "probe", inputs: [{ name: "a.md", text: "Edge accelerators cut inference latency." }] }],
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects the JSON messages of an SSE response into `into`; returns its reader (cancel it to stop). */
function collect(res, into) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("");
          if (data) into.push(JSON.parse(data));
        }
      }
    } catch { /* cancelled */ }
  })();
  return reader;
}

try {
  const stamp = Date.now();
  // 2026-07-28: open a listen stream, then create a run.
  const listen = await fetch(url, {
    method: "POST", headers: modernHeaders("subscriptions/listen"),
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscriptions/listen", params: {
      _meta: meta, notifications: { resourcesListChanged: true, toolsListChanged: true, resourceSubscriptions: ["orchestrator://runs"] },
    } }),
  });
  console.log(`${MODERN} subscriptions/listen -> ${listen.status} ${listen.headers.get("content-type")}`);
  const modernFrames = [];
  const modernReader = collect(listen, modernFrames);
  await sleep(300);
  const call = await fetch(url, {
    method: "POST", headers: modernHeaders("tools/call", { "mcp-name": "start_workflow" }),
    body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { _meta: meta, name: "start_workflow", arguments: workflow(`listen-probe-${stamp}`) } }),
  });
  console.log(`${MODERN} tools/call start_workflow -> ${call.status} ${call.headers.get("content-type")}: ${(await call.text()).replace(/\s+/g, " ").slice(0, 120)}`);
  await sleep(3000);
  await modernReader.cancel().catch(() => undefined);
  console.log(`${MODERN} listen stream frames: ${JSON.stringify(modernFrames)}`);

  // 2025-11-25 control: a session's GET stream, then create a run.
  const init = await fetch(url, {
    method: "POST", headers: oldHeaders(),
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: OLD, capabilities: {}, clientInfo: { name: "listen-probe", version: "0" } } }),
  });
  const sessionId = init.headers.get("mcp-session-id");
  await init.text();
  await (await fetch(url, { method: "POST", headers: oldHeaders(sessionId), body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) })).text();
  const stream = await fetch(url, { method: "GET", headers: { accept: "text/event-stream", "mcp-protocol-version": OLD, "mcp-session-id": sessionId } });
  const oldFrames = [];
  const oldReader = collect(stream, oldFrames);
  await sleep(300);
  await (await fetch(url, {
    method: "POST", headers: oldHeaders(sessionId),
    body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "start_workflow", arguments: workflow(`listen-probe-${stamp}-old`) } }),
  })).text();
  await sleep(3000);
  await oldReader.cancel().catch(() => undefined);
  await fetch(url, { method: "DELETE", headers: oldHeaders(sessionId) }).catch(() => undefined);
  console.log(`${OLD} control, GET stream methods: ${JSON.stringify(oldFrames.map((m) => m.method))}`);

  const delivered = modernFrames.some((m) => m.method === "notifications/resources/list_changed");
  console.log(delivered ? "listen stream: notifications/resources/list_changed delivered" : "listen stream: only the acknowledgement, no notification");
  process.exit(delivered ? 0 : 1);
} catch (error) {
  console.error(`listen probe failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
