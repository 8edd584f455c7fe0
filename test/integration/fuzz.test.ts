/**
 * Hostile input: random and adversarial arguments for every tool through a real client. The server keeps
 * answering; every bad input gets isError or a JSON-RPC error with a message; no file outside the allowed
 * directory is read (traversal, absolute paths, a symlink pointing out); no name escapes into SQL.
 * FUZZ_RUNS sets the number of calls per tool (default 100; docs/reliability.md records a longer run).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { connect, tempDir, ping } from "../helpers/server.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const MARKER = "SECRET-MARKER-7f3a9c";

test(`fuzz: ${RUNS} random calls per tool leave the server answering and nothing outside the allowed directory read`, { timeout: 240_000 }, async (t) => {
  const root = tempDir("conductor-fuzz-");
  const allowed = path.join(root, "allowed");
  fs.mkdirSync(allowed);
  fs.writeFileSync(path.join(allowed, "ok.md"), "The allowed document talks about market growth and revenue.");
  fs.writeFileSync(path.join(root, "secret.md"), `${MARKER} market growth revenue secret sentence here.`);
  fs.symlinkSync(path.join(root, "secret.md"), path.join(allowed, "link.md"));
  const hostile = fc.constantFrom(
    "../secret.md", "../../secret.md", path.join(root, "secret.md"), "link.md", path.join(allowed, "link.md"), "..", "/", "/etc/passwd",
    `${allowed}/../secret.md`, "ok.md/../../secret.md", "\u0000", "'; DROP TABLE conductor_runs; --", "x' OR '1'='1", "%", "_",
    "orchestrator://runs/../../x", "ℕ𝕆 ☃", "<script>alert(1)</script>", "a".repeat(5000), "", " ", "t1", "run-1",
  );
  const str = fc.oneof(hostile, fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 }));
  const any = fc.oneof(str, fc.jsonValue({ maxDepth: 2 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
  const input = fc.oneof(fc.record({ path: fc.oneof(hostile, str) }), fc.record({ name: str, text: str }), any);
  const task = fc.oneof(
    fc.record({ type: fc.oneof(fc.constantFrom("research", "analysis"), str), description: fc.oneof(str, fc.constant("market growth")),
      focus: fc.oneof(fc.constantFrom("technical", "market", "competitive"), str), priority: fc.oneof(fc.constantFrom("high", "normal"), str),
      depends_on: fc.oneof(fc.array(str, { maxLength: 3 }), any), inputs: fc.oneof(fc.array(input, { maxLength: 3 }), any), id: str, agent_id: str },
      { requiredKeys: ["type", "description"] }),
    any,
  );
  // Well-formed requests carrying hostile paths, names and ids, so the checks behind the schema are reached.
  const wellFormedTask = fc.record({
    type: fc.constantFrom("research", "analysis"), description: fc.constantFrom("market growth revenue", "secret sentence"),
    inputs: fc.array(fc.oneof(
      { arbitrary: fc.record({ path: hostile }), weight: 1 },
      { arbitrary: fc.constant({ path: "ok.md" }), weight: 2 },
      { arbitrary: fc.record({ name: fc.constantFrom("a.md", "t.csv"), text: str }), weight: 2 },
    ), { minLength: 1, maxLength: 2 }),
  });
  const wellFormedStart = fc.record({
    objective: fc.constantFrom("Assess the market", "Find the secret"), tasks: fc.array(wellFormedTask, { minLength: 1, maxLength: 3 }),
    approvals: fc.constantFrom([], ["sync_point"]), executor: fc.constant("builtin"), quality_threshold: fc.constant(0.1),
    run_id: fc.oneof(fc.constantFrom("x' OR '1'='1", "run_1", "a%b", "..", "r:1"), fc.string({ maxLength: 10 })),
  }, { requiredKeys: ["objective", "tasks", "approvals", "executor", "quality_threshold"] });
  const wellFormedTemplate = fc.record({
    agent_type: fc.oneof(hostile, fc.constantFrom("ok_type", "drop_table", "z9")), description: fc.constant("d"), capabilities: fc.constant(["research"]),
    instructions: str, replace: fc.boolean(),
  });
  const tools: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
    start_workflow: fc.oneof({ arbitrary: wellFormedStart, weight: 3 }, { arbitrary: fc.record({ objective: fc.oneof(str, any), tasks: fc.oneof(fc.array(task, { minLength: 1, maxLength: 4 }), any),
      sync_points: fc.oneof(fc.dictionary(str, fc.array(str, { maxLength: 3 }), { maxKeys: 3 }), any), mode: fc.oneof(fc.constantFrom("auto", "parallel"), str),
      approvals: fc.oneof(fc.constant([]), fc.array(str, { maxLength: 2 }), any), executor: fc.oneof(fc.constantFrom("builtin", "auto", "delegate"), str),
      run_id: fc.oneof(str, any), quality_threshold: any, max_revisions: any, branch_timeout_seconds: any }, { requiredKeys: [] }), weight: 1 }),
    approve_interrupt: fc.record({ run_id: fc.oneof(str, any), interrupt_id: fc.oneof(str, any), decision: fc.oneof(fc.constantFrom("approve", "revise", "reject"), str),
      feedback: any, branch_results: fc.oneof(fc.array(fc.record({ branch_id: str, findings: any, confidence: any }), { maxLength: 2 }), any) }, { requiredKeys: [] }),
    get_timeline: fc.record({ run_id: fc.oneof(str, any), since: any, limit: any, event: fc.oneof(str, any) }, { requiredKeys: [] }),
    register_agent_template: fc.oneof(wellFormedTemplate, fc.record({ agent_type: fc.oneof(str, fc.constantFrom("ok_type", "../x", "a;drop")), description: str, capabilities: fc.oneof(fc.array(fc.constantFrom("research", "analysis"), { minLength: 1 }), any),
      instructions: str, resource_requirements: any, default_parameters: any, replace: any, executor: fc.oneof(fc.constant("builtin"), str) }, { requiredKeys: [] })),
    generate_agent: fc.record({ task_requirements: fc.oneof(fc.record({ task_description: str, capabilities_needed: any, detail_level: any, confidence_level: any }, { requiredKeys: [] }), any),
      context: any, instantiate: fc.boolean() }, { requiredKeys: [] }),
    retire_agent: fc.record({ agent_id: fc.oneof(str, any) }, { requiredKeys: [] }),
    cancel_run: fc.record({ run_id: fc.oneof(str, any), reason: any }, { requiredKeys: [] }),
  };

  let calls = 0;
  let errors = 0;
  const s = await connect({ args: ["--allow-dir", allowed] });
  try {
    for (const [name, arb] of Object.entries(tools)) {
      await fc.assert(fc.asyncProperty(arb, async (args) => {
        if (name === "start_workflow" || name === "approve_interrupt") args.wait_seconds = 0;
        calls++;
        let text: string;
        try {
          const result = (await s.client.callTool({ name, arguments: args })) as CallToolResult;
          text = JSON.stringify(result);
          if (result.isError) {
            errors++;
            const message = result.content.map((c) => (c.type === "text" ? c.text : "")).join("");
            assert.ok(message.trim().length > 0, "an error result says what was wrong");
          } else {
            assert.ok(result.structuredContent, "a success has structured content");
          }
        } catch (error) {
          errors++;
          text = String(error);
          assert.match(text, /MCP error -32602|Invalid/i, "a protocol error is an invalid-params error");
        }
        assert.ok(!text.includes(MARKER), `the secret file was read: ${name} ${JSON.stringify(args).slice(0, 300)}`);
      }), { numRuns: RUNS, seed: 42 });
    }
    await ping(s.client);
    const runs = JSON.parse(((await s.client.readResource({ uri: "orchestrator://runs" })).contents[0] as { text: string }).text) as { runs: Array<{ run_id: string }> };
    for (const r of runs.runs) {
      const state = (await s.client.readResource({ uri: `orchestrator://runs/${encodeURIComponent(r.run_id)}` })).contents[0] as { text: string };
      assert.ok(!state.text.includes(MARKER), `run ${r.run_id} holds the secret`);
    }
    assert.ok(calls >= RUNS * 7 && errors > 0);
    assert.ok(runs.runs.length > 0, "some well-formed runs were created, so the path checks were reached");
    const tables = JSON.parse(((await s.client.readResource({ uri: "orchestrator://agents/templates" })).contents[0] as { text: string }).text) as { templates: unknown[] };
    assert.ok(tables.templates.length >= 5, "the tables are intact");
    t.diagnostic(`fuzz: ${calls} calls, ${errors} answered with an error, ${runs.runs.length} runs created`);
  } finally {
    await s.close();
  }
});
