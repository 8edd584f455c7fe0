import assert from "node:assert/strict";
import { test } from "node:test";
import { boundedJson } from "../../src/resources/bounded-json.js";

type Doc = { items: string[] };
const cut = { note: "items cut to 2", apply: (d: Doc) => ({ items: d.items.slice(0, 2) }) };

test("small values are pretty JSON; bigger ones compact when that fits", () => {
  assert.equal(boundedJson({ items: ["a"] }, [cut], 1000), JSON.stringify({ items: ["a"] }, null, 2));
  const doc = { items: Array.from({ length: 20 }, (_, i) => `item ${i}`) };
  const compact = JSON.stringify(doc);
  assert.equal(boundedJson(doc, [cut], compact.length + 10), compact);
});

test("over the limit, shrink steps apply in turn and the note says what was left out", () => {
  const doc = { items: Array.from({ length: 200 }, (_, i) => `item ${i}`) };
  const text = boundedJson(doc, [cut], 500);
  assert.ok(Buffer.byteLength(text) <= 500);
  assert.deepEqual(JSON.parse(text), { items: ["item 0", "item 1"], truncated: "items cut to 2" });
});

test("when nothing makes it fit, a note alone is sent", () => {
  const doc = { items: ["x".repeat(1000)] };
  const parsed = JSON.parse(boundedJson(doc, [cut], 300)) as { truncated: string };
  assert.match(parsed.truncated, /even after: items cut to 2/);
});
