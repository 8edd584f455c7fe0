/**
 * Drives the built server (dist/server.js) with the MCP Inspector's CLI mode
 * (`@modelcontextprotocol/inspector --cli`), one inspector process per request, the way a person or a CI
 * job would smoke-test the server from a shell:
 *
 *   mcp-inspector --cli --format json --method tools/list -- node dist/server.js --db FILE
 *
 * Notes on the inspector CLI (2.12):
 * - `--` separates the inspector's options from the server command. Without it, a server flag the
 *   inspector also knows (e.g. `--log-level`) is taken by the inspector, not passed to the server.
 * - `--format json` prints one JSON object on stdout: `{ "result": <the MCP result> }`.
 * - `--tool-arg key=value` (variadic: several pairs may follow one flag) splits at the first "=",
 *   JSON.parse()s the value when it parses (so `tasks=[...]`, `approvals=[]`, `quality_threshold=0.5` arrive
 *   as an array, an array and a number) and otherwise keeps it as a string; string values are then coerced
 *   to the type the tool's inputSchema declares. `--tool-args-json '{...}'` is the verbatim alternative.
 * - Exit codes: 0 ok, 1 usage, 4 unreachable, 5 tool error (isError), 6 unportable schema (--strict).
 *
 * Needs `npm run build` first (the test runs dist/server.js).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SERVER = path.join(ROOT, "dist/server.js");

/** The inspector's launcher script (its `mcp-inspector` bin), run with this same node. */
function inspectorBin(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve("@modelcontextprotocol/inspector/package.json");
  const pkg = JSON.parse(fs.readFileSync(pkgPath, "utf8")) as { bin: Record<string, string> };
  const bin = pkg.bin["mcp-inspector"];
  assert.ok(bin, "the inspector package has no mcp-inspector bin");
  return path.resolve(path.dirname(pkgPath), bin);
}

const INSPECTOR = inspectorBin();
const CALL_TIMEOUT_MS = 60_000;

let tmp = "";
let dbPath = "";
const timings: string[] = [];

interface InspectorRun { stdout: string; stderr: string; code: number | null; ms: number }

/** Runs `mcp-inspector --cli --format json <args> -- node dist/server.js --db <tmp>` and returns what it printed. */
function inspector(args: string[]): Promise<InspectorRun> {
  const argv = [
    INSPECTOR, "--cli", "--format", "json", ...args,
    "--", process.execPath, SERVER, "--db", dbPath, "--log-level", "warning",
  ];
  const env = {
    ...process.env,
    // Keep the inspector's catalog, client config and stored state out of the real home directory.
    HOME: tmp,
    MCP_CATALOG_PATH: path.join(tmp, "inspector", "mcp.json"),
    MCP_CLIENT_CONFIG_PATH: path.join(tmp, "inspector", "client.json"),
    MCP_STORAGE_DIR: path.join(tmp, "inspector", "storage"),
    NO_COLOR: "1",
  };
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: ROOT, env, timeout: CALL_TIMEOUT_MS, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ stdout, stderr, code, ms: performance.now() - started });
    });
  });
}

/** Runs the inspector, requires exit 0, and returns the parsed `result` of its JSON output. */
async function inspectorResult<T>(args: string[]): Promise<T> {
  const run = await inspector(args);
  const context = `inspector ${args.join(" ")} (exit ${run.code}, ${Math.round(run.ms)} ms)\nstdout: ${run.stdout.slice(0, 2000)}\nstderr: ${run.stderr.slice(0, 2000)}`;
  assert.equal(run.code, 0, context);
  let parsed: { result?: T };
  try {
    parsed = JSON.parse(run.stdout) as { result?: T };
  } catch (e) {
    throw new Error(`inspector output is not JSON: ${(e as Error).message}\n${context}`);
  }
  assert.ok(parsed.result !== undefined, `no "result" in the inspector output\n${context}`);
  timings.push(`${args.slice(0, 2).join(" ")}${args[2] === "--tool-name" ? ` ${args[3]}` : ""}: ${Math.round(run.ms)} ms`);
  return parsed.result;
}


interface Tool { name: string; inputSchema?: { type?: string }; outputSchema?: { type?: string } }
interface Resource { uri: string; name: string }
interface ResourceTemplate { uriTemplate: string; name: string }
interface CallResult {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: {
    run_id: string;
    status: string;
    executor: string;
    progress: { branches_total: number; branches_completed: number; branches_failed: number };
    pending_interrupts: unknown[];
    result?: { report: string; quality_score: number; source_attribution: Record<string, number> };
    error?: string;
  };
}

describe("MCP Inspector CLI against dist/server.js (stdio)", { timeout: 5 * CALL_TIMEOUT_MS }, () => {
  before(() => {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "conductor-inspector-"));
    dbPath = path.join(tmp, "conductor.db");
  });

  after(() => {
    if (timings.length > 0) console.log(`inspector invocations: ${timings.join("; ")}`);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("tools/list lists the workflow and agent tools, each with an input and an output schema", async () => {
    const result = await inspectorResult<{ tools: Tool[] }>(["--method", "tools/list"]);
    const byName = new Map(result.tools.map((t) => [t.name, t]));
    for (const name of ["start_workflow", "approve_interrupt", "get_timeline", "register_agent_template", "generate_agent", "retire_agent"]) {
      const tool = byName.get(name);
      assert.ok(tool, `tool ${name} is not listed; listed: ${[...byName.keys()].join(", ")}`);
      assert.equal(tool.inputSchema?.type, "object", `${name} has no object inputSchema`);
      assert.equal(tool.outputSchema?.type, "object", `${name} has no object outputSchema`);
    }
  });

  test("resources/list lists the runs and the agent templates", async () => {
    const result = await inspectorResult<{ resources: Resource[] }>(["--method", "resources/list"]);
    const uris = result.resources.map((r) => r.uri);
    assert.ok(uris.includes("orchestrator://runs"), `orchestrator://runs missing from ${uris.join(", ")}`);
    assert.ok(uris.includes("orchestrator://agents/templates"), `orchestrator://agents/templates missing from ${uris.join(", ")}`);
  });

  test("resources/templates/list lists the run templates", async () => {
    const result = await inspectorResult<{ resourceTemplates: ResourceTemplate[] }>(["--method", "resources/templates/list"]);
    const templates = result.resourceTemplates.map((t) => t.uriTemplate);
    const runTemplates = templates.filter((t) => t.startsWith("orchestrator://runs/{run_id}"));
    assert.ok(templates.includes("orchestrator://runs/{run_id}"), `orchestrator://runs/{run_id} missing from ${templates.join(", ")}`);
    assert.ok(templates.includes("orchestrator://runs/{run_id}/timeline"), `orchestrator://runs/{run_id}/timeline missing from ${templates.join(", ")}`);
    assert.ok(runTemplates.length >= 2, `run templates: ${runTemplates.join(", ")}`);
  });

  test("tools/call start_workflow runs a one-task research workflow to completion", async () => {
    const source = "accelerator-notes.md";
    const text = [
      "Edge AI accelerators run neural network inference with a systolic array of multiply-accumulate units at low power.",
      "Measured inference latency for a vision model is between 3 and 9 milliseconds on current edge accelerators.",
      "Power draw of the leading edge inference chips stays under 4 watts, so cameras can be passively cooled.",
      "Quantizing weights to int8 cuts memory bandwidth fourfold compared with float32 and keeps accuracy within one point.",
      "Compiler operator coverage is the main engineering bottleneck that decides which models reach full accelerator speed.",
    ].join("\n");
    const tasks = [{
      type: "research",
      focus: "technical",
      description: "edge accelerator architecture, inference latency and power draw",
      inputs: [{ name: source, text }],
    }];
    // Each --tool-arg value is JSON.parse()d by the inspector when it parses, so nested arrays and
    // objects, numbers and [] arrive typed; the objective stays a plain string.
    const result = await inspectorResult<CallResult>([
      "--method", "tools/call", "--tool-name", "start_workflow",
      "--tool-arg",
      "objective=Assess edge AI accelerator technology",
      `tasks=${JSON.stringify(tasks)}`,
      "approvals=[]",
      "executor=builtin",
      "quality_threshold=0.5",
      "wait_seconds=60",
    ]);
    const summary = JSON.stringify(result).slice(0, 2000);
    assert.notEqual(result.isError, true, `start_workflow answered an error: ${summary}`);
    const status = result.structuredContent;
    assert.ok(status, `no structuredContent: ${summary}`);
    assert.equal(status.status, "completed", `run did not complete: ${summary}`);
    assert.deepEqual(status.pending_interrupts, []);
    assert.equal(status.progress.branches_total, 1);
    assert.equal(status.progress.branches_completed, 1);
    assert.ok(status.result, `completed run has no result: ${summary}`);
    assert.ok(status.result.report.includes(source), `report does not cite ${source}:\n${status.result.report}`);
    assert.ok(result.content.some((c) => c.type === "text" && (c.text ?? "").length > 0), "no text summary in content");
  });
});
