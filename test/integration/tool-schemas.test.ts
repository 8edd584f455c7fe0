/**
 * The tool contract as a client sees it: for every tool in tools/list, its name, input schema, output schema
 * and annotations, compared with test/snapshots/tools.json. A change to any tool's schema fails here until
 * someone has looked at it and regenerated the snapshot:
 *
 *   npm run build && UPDATE_SNAPSHOTS=1 node --import tsx --test test/integration/tool-schemas.test.ts
 *
 * The same snapshot holds over stdio and HTTP and on SQLite and PostgreSQL: the schemas depend on neither.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { connect, ROOT, type Connected } from "../helpers/server.js";

const SNAPSHOT = path.join(ROOT, "test/snapshots/tools.json");
const UPDATE = process.env.UPDATE_SNAPSHOTS === "1";
const RERUN = "npm run build && UPDATE_SNAPSHOTS=1 node --import tsx --test test/integration/tool-schemas.test.ts";

type ToolSchemas = Pick<Tool, "name" | "inputSchema" | "outputSchema" | "annotations">;

/** Every page of tools/list. */
async function listAllTools(s: Connected): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await s.client.listTools(cursor === undefined ? {} : { cursor });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return tools;
}

/** The snapshotted part of each tool, sorted by name, as JSON would carry it (no undefined members). */
function schemasOf(tools: Tool[]): ToolSchemas[] {
  const picked = tools
    .map(({ name, inputSchema, outputSchema, annotations }): ToolSchemas => ({ name, inputSchema, outputSchema, annotations }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return JSON.parse(JSON.stringify(picked)) as ToolSchemas[];
}

/** Where two JSON values differ, as `path: snapshot -> now` lines (at most `limit`). */
function differences(expected: unknown, actual: unknown, at: string, out: string[], limit = 20): string[] {
  if (out.length >= limit) return out;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
  if (isObject(expected) && isObject(actual) && Array.isArray(expected) === Array.isArray(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    for (const key of keys) differences(expected[key], actual[key], Array.isArray(expected) ? `${at}[${key}]` : `${at}.${key}`, out, limit);
  } else if (JSON.stringify(expected) !== JSON.stringify(actual)) {
    out.push(`  ${at}: ${JSON.stringify(expected) ?? "(absent)"} -> ${JSON.stringify(actual) ?? "(absent)"}`);
  }
  return out;
}

function mismatch(expected: ToolSchemas[], actual: ToolSchemas[]): string {
  const before = new Map(expected.map((t) => [t.name, t]));
  const now = new Map(actual.map((t) => [t.name, t]));
  const lines: string[] = [];
  for (const name of now.keys()) if (!before.has(name)) lines.push(`added tool ${name}`);
  for (const name of before.keys()) if (!now.has(name)) lines.push(`removed tool ${name}`);
  for (const [name, tool] of now) {
    const old = before.get(name);
    if (!old) continue;
    const diff = differences(old, tool, name, []);
    if (diff.length > 0) lines.push(`changed tool ${name}:`, ...diff);
  }
  return [
    `The tools' schemas differ from ${path.relative(ROOT, SNAPSHOT)}:`,
    ...lines,
    "Review the change (it is a change to the tool contract clients see); if it is intended, rerun with UPDATE_SNAPSHOTS=1 to rewrite the snapshot:",
    `  ${RERUN}`,
  ].join("\n");
}

describe("tool schemas", () => {
  let s: Connected;
  before(async () => { s = await connect(); });
  after(async () => { await s.close(); });

  test("every tool's input schema, output schema and annotations match test/snapshots/tools.json", async () => {
    const actual = schemasOf(await listAllTools(s));
    assert.ok(actual.length > 0, "tools/list returned no tools");
    if (UPDATE) {
      fs.mkdirSync(path.dirname(SNAPSHOT), { recursive: true });
      fs.writeFileSync(SNAPSHOT, `${JSON.stringify(actual, null, 2)}\n`);
      return;
    }
    assert.ok(fs.existsSync(SNAPSHOT), `${path.relative(ROOT, SNAPSHOT)} does not exist; create it with\n  ${RERUN}`);
    const expected = JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) as ToolSchemas[];
    assert.deepStrictEqual(actual, expected, mismatch(expected, actual));
  });
});
