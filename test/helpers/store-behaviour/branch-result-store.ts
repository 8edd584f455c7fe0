/** What every backend's BranchResultStorage must do: one findings record per (run, branch, attempt), overwritten by key. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { BranchFindings } from "../../../src/domain/finding.js";
import { withStores, type OpenStores } from "./harness.js";

const found: BranchFindings = {
  findings: [{ text: "Revenue grew 12% — \"quoted\", é", source: "notes.txt", score: 0.875 }, { text: "", source: "s", score: 0 }],
  statistics: [{ source: "data.csv", column: "revenue", count: 3, mean: 1.5, std_dev: 0.25, min: -1e-9, max: 1e12, confidence_level: 0.95, confidence_interval: [1.1, 1.9] }],
  text_statistics: [{ source: "notes.txt", characters: 120, words: 20, sentences: 2, unique_words: 18, mean_sentence_words: 10 }],
  notes: ["first"],
};

export function defineBranchResultStoreBehaviour(open: OpenStores): void {
  describe("branch result store", () => {
    test("get of nothing stored is empty findings; put and get round trip", () => withStores(open, async ({ a, b }) => {
      assert.deepEqual(await a.results.get("r1", "b1", 1), { findings: [] });
      await a.results.put("r1", "b1", 1, found);
      assert.deepEqual(await b.results.get("r1", "b1", 1), found);
      await a.results.put("r1", "b1", 2, { findings: [] });
      assert.deepEqual(await b.results.get("r1", "b1", 2), { findings: [] }, "an attempt that found nothing");
    }));

    test("keyed by run, branch and attempt; a put of the same key (a re-executed branch) replaces it", () => withStores(open, async ({ a, b }) => {
      await a.results.put("r1", "b1", 1, { findings: [], notes: ["first"] });
      await b.results.put("r1", "b1", 1, { findings: [], notes: ["second"] });
      await b.results.put("r1", "b1", 2, { findings: [], notes: ["attempt 2"] });
      await b.results.put("r1", "b2", 1, { findings: [], notes: ["branch 2"] });
      await b.results.put("r2", "b1", 1, { findings: [], notes: ["run 2"] });
      assert.deepEqual(await a.results.get("r1", "b1", 1), { findings: [], notes: ["second"] });
      assert.deepEqual(await a.results.get("r1", "b1", 2), { findings: [], notes: ["attempt 2"] });
      assert.deepEqual(await a.results.get("r1", "b2", 1), { findings: [], notes: ["branch 2"] });
      assert.deepEqual(await a.results.get("r2", "b1", 1), { findings: [], notes: ["run 2"] });
      assert.deepEqual(await a.results.get("r2", "b2", 1), { findings: [] });
      assert.deepEqual(await a.results.get("r1", "b1", 3), { findings: [] });
    }));
  });
}
