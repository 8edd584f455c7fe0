import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { reduceToPassages } from "../../src/agents/text/passages.js";
import { tokenize } from "../../src/agents/text/tokenize.js";

const filler = (n: number, word: string) => Array.from({ length: n }, (_, i) => `The ${word} committee met again on day ${i} to discuss parking.`).join(" ");

describe("reduceToPassages", () => {
  test("inputs within the budget are sent as they are", () => {
    const inputs = [{ name: "a.md", text: "Revenue grew fast this year." }];
    const reduced = reduceToPassages(inputs, tokenize("revenue"), 1000);
    assert.deepEqual(reduced.inputs, inputs);
    assert.equal(reduced.reduced, false);
    assert.equal(reduced.sent_chars, reduced.total_chars);
  });

  test("a big input keeps the passages that match the task, in document order, within the budget", () => {
    const text = [
      filler(400, "garden"),
      "Edge accelerator revenue reached 12 billion dollars in 2025.",
      filler(400, "garden"),
      "Accelerator revenue is expected to grow 20 percent per year.",
      filler(400, "garden"),
    ].join(" ");
    const reduced = reduceToPassages([{ name: "dump.txt", text }], tokenize("accelerator revenue growth"), 4000);
    const sent = reduced.inputs[0]!.text;
    assert.equal(reduced.reduced, true);
    assert.ok(reduced.sent_chars <= 4000, `${reduced.sent_chars} characters sent`);
    assert.equal(reduced.total_chars, text.length);
    const first = sent.indexOf("12 billion dollars");
    const second = sent.indexOf("20 percent per year");
    assert.ok(first >= 0 && second > first, "both matching passages, in their order");
    assert.match(sent, /\[…\]/);
    assert.ok(reduced.passages_kept < reduced.passages_total);
  });

  test("the budget is shared across inputs by relevance; an input with nothing relevant says so", () => {
    const relevant = `${filler(50, "garden")} Accelerator revenue doubled. ${filler(50, "garden")}`;
    const reduced = reduceToPassages(
      [{ name: "relevant.txt", text: relevant }, { name: "other.txt", text: filler(300, "garden") }],
      tokenize("accelerator revenue"), 1500,
    );
    assert.match(reduced.inputs[0]!.text, /Accelerator revenue doubled/);
    assert.ok(reduced.sent_chars <= 1500);
  });

  test("a table keeps its header and first rows, and says how many rows were left out", () => {
    const csv = ["quarter,units_k", ...Array.from({ length: 5000 }, (_, i) => `2025Q${(i % 4) + 1},${500 + i}`)].join("\n");
    const reduced = reduceToPassages([{ name: "shipments.csv", text: csv }], tokenize("units"), 2000);
    const sent = reduced.inputs[0]!.text;
    assert.ok(sent.startsWith("quarter,units_k\n2025Q1,500\n"));
    assert.match(sent, /\[…\] \d+ more of 5000 rows left out$/);
    assert.ok(sent.length <= 2000);
  });

  test("nothing matching the task: the first passages of the inputs are sent", () => {
    const reduced = reduceToPassages([{ name: "x.txt", text: filler(200, "garden") }], tokenize("semiconductor"), 1000);
    assert.ok(reduced.sent_chars <= 1000);
    assert.ok(reduced.inputs[0]!.text.startsWith("The garden committee met again on day 0"));
    assert.ok(reduced.inputs[0]!.text.endsWith("[…]"));
  });
});
