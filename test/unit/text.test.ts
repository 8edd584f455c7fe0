import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { STOP_WORDS, stem, tokenize, wordTokens } from "../../src/agents/text/tokenize.js";
import { MAX_SENTENCE_CHARS, PIECE_CHARS, splitPieces, splitSentences } from "../../src/agents/text/sentences.js";
import { rankBm25 } from "../../src/agents/text/bm25.js";

describe("tokenize", () => {
  test("lowercases, drops stop words and punctuation, strips light suffixes", () => {
    assert.deepEqual(
      tokenize("The Prices are rising, and customers' pricing changed!"),
      ["pric", "ris", "customer", "pric", "chang"],
    );
  });

  test("is Unicode-aware and keeps numbers", () => {
    assert.deepEqual(tokenize("Zürich café: 2024 Ångström"), ["zürich", "café", "2024", "ångström"]);
  });

  test("drops one-letter words and possessive 's", () => {
    assert.deepEqual(tokenize("a b c company's market"), ["company", "market"]);
  });

  test("stems plural, -ing and -ed forms to one term", () => {
    assert.equal(stem("companies"), "company");
    assert.equal(stem("running"), "run");
    assert.equal(stem("stopped"), "stop");
    assert.equal(stem("analysis"), "analysis");
    assert.equal(stem("status"), "status");
    assert.equal(stem("price"), stem("prices"));
    assert.equal(stem("priced"), stem("pricing"));
  });

  test("exports the stop-word set", () => {
    assert.ok(STOP_WORDS.has("the"));
    assert.ok(STOP_WORDS.has("and"));
    assert.ok(!STOP_WORDS.has("market"));
  });

  test("wordTokens counts every word", () => {
    assert.deepEqual(wordTokens("The cat, the HAT."), ["the", "cat", "the", "hat"]);
  });
});

describe("splitSentences", () => {
  test("splits prose into trimmed sentences", () => {
    assert.deepEqual(
      splitSentences("  Revenue grew by ten percent.   Costs fell   sharply this year! Why did margins improve?  "),
      ["Revenue grew by ten percent.", "Costs fell sharply this year!", "Why did margins improve?"],
    );
  });

  test("drops fragments of fewer than three words and empty pieces", () => {
    assert.deepEqual(splitSentences("Yes. Okay then.\n\n   \nThis one has words."), ["This one has words."]);
  });

  test("Markdown headings are dropped; blank lines and bullets separate sentences", () => {
    const text = [
      "# Market overview notes",
      "Demand is strong in Europe",
      "and growing in Asia",
      "",
      "- first bullet has words",
      "- second bullet also has words",
      "1. numbered item with words",
    ].join("\n");
    assert.deepEqual(splitSentences(text), [
      "Demand is strong in Europe and growing in Asia",
      "first bullet has words",
      "second bullet also has words",
      "numbered item with words",
    ]);
  });

  test("caps long sentences at 600 characters with an ellipsis", () => {
    const long = `${"word ".repeat(300).trim()}.`;
    const [sentence] = splitSentences(long);
    assert.ok(sentence !== undefined);
    assert.equal(Array.from(sentence).length, MAX_SENTENCE_CHARS);
    assert.ok(sentence.endsWith("\u2026"));
  });
});

describe("long blocks (linear-time splitting)", () => {
  const WORDS = ["edge", "chips", "market", "revenue", "grew", "power", "latency", "vendors", "Europe", "demand"];
  /** One paragraph of `n` sentences, deterministic, with abbreviations, numbers and questions mixed in. */
  const paragraph = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      const words = Array.from({ length: 6 + (i % 9) }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]!).join(" ");
      const ending = i % 11 === 0 ? "?" : i % 13 === 0 ? "!" : ".";
      // "approx. ten" and "e.g. 4.5" are full stops the segmenter does not break at: a cut there would differ.
      const extra = i % 2 === 0 ? " at approx. ten watts" : i % 5 === 0 ? ` e.g. ${i}.5 units` : i % 7 === 0 ? " (in the U.S.)" : "";
      return `${words[0]!.toUpperCase()}${words.slice(1)}${extra}${ending}`;
    }).join(" ");
  const whole = (text: string) =>
    [...new Intl.Segmenter(undefined, { granularity: "sentence" }).segment(text)]
      .map((s) => s.segment.replace(/\s+/gu, " ").trim())
      .filter((s) => wordTokens(s).length >= 3);

  test("a paragraph longer than a piece splits exactly as the segmenter splits it whole", () => {
    const text = paragraph(600); // about 40 KB in one block
    assert.ok(text.length > 10 * PIECE_CHARS);
    assert.deepEqual(splitSentences(text), whole(text));
  });

  test("pieces keep every character, in order, each within the limit", () => {
    for (const text of [paragraph(300), "x".repeat(9000), `{"a":"${"b,".repeat(5000)}"}`, "word ".repeat(3000), "\u{1F600}".repeat(3000)]) {
      const pieces = splitPieces(text);
      assert.equal(pieces.join(""), text);
      assert.ok(pieces.every((p) => p.length <= PIECE_CHARS && p.length > 0));
      // A surrogate pair is never cut in two.
      assert.ok(pieces.every((p) => !/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/u.test(p)));
    }
  });

  test("text without sentence breaks (minified JSON) is cut at spaces or at the limit", () => {
    const json = JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ id: i, name: `edge chip market ${i}` })));
    const sentences = splitSentences(json);
    assert.ok(sentences.length > 1);
    assert.ok(sentences.every((s) => s.length <= MAX_SENTENCE_CHARS));
  });

  test("a log (many lines, none ending like a sentence) gives a sentence per line", () => {
    const log = Array.from({ length: 50 }, (_, i) => `2026-01-01T00:00:${String(i).padStart(2, "0")}Z INFO chip-${i} latency ${i} ms`).join("\n");
    const sentences = splitSentences(log);
    assert.equal(sentences.length, 50);
    assert.equal(sentences[3], "2026-01-01T00:00:03Z INFO chip-3 latency 3 ms");
  });

  test("a log of 200,000 lines splits without overflowing the stack", () => {
    const log = Array.from({ length: 200_000 }, (_, i) => `2026-01-01 INFO chip-${i % 9} latency ${i % 300} ms`).join("\n");
    assert.equal(splitSentences(log).length, 200_000);
  });

  test("wrapped prose lines still join into one paragraph", () => {
    const wrapped = Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? `and the market grew in year ${i}.` : `Edge chip revenue line ${i}`)).join("\n");
    assert.equal(splitSentences(wrapped).length, 4);
  });
});

describe("rankBm25", () => {
  test("hand-checked scores and ordering", () => {
    const docs = [["apple", "banana"], ["apple", "apple", "cherry"], ["cherry"]];
    const scores = rankBm25(docs, ["apple"]);
    // idf = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln 1.6; avgdl = 2
    const idf = Math.log(1.6);
    const s0 = (idf * 1 * 2.2) / (1 + 1.2 * (0.25 + 0.75 * (2 / 2)));
    const s1 = (idf * 2 * 2.2) / (2 + 1.2 * (0.25 + 0.75 * (3 / 2)));
    assert.equal(scores.length, 3);
    assert.ok(Math.abs((scores[0] ?? NaN) - s0) < 1e-12);
    assert.ok(Math.abs((scores[1] ?? NaN) - s1) < 1e-12);
    assert.equal(scores[2], 0);
    assert.ok((scores[1] ?? 0) > (scores[0] ?? 0));
    assert.equal(Number((scores[0] ?? 0).toFixed(6)), 0.470004);
  });

  test("a term found in fewer documents weighs more", () => {
    const docs = [["rare", "x"], ["common", "y"], ["common", "z"], ["common", "w"]];
    const [rare, common] = rankBm25(docs, ["rare", "common"]);
    assert.ok((rare ?? 0) > (common ?? 0));
  });

  test("no matching term scores 0; duplicate query terms count once", () => {
    assert.deepEqual(rankBm25([["a", "b"], ["c"]], ["zzz"]), [0, 0]);
    assert.deepEqual(rankBm25([["a", "b"], ["c"]], []), [0, 0]);
    assert.deepEqual(rankBm25([], ["a"]), []);
    const docs = [["a", "b"], ["c", "d"]];
    assert.deepEqual(rankBm25(docs, ["a", "a"]), rankBm25(docs, ["a"]));
  });

  test("k1 and b change the scores", () => {
    const docs = [["a", "a", "a", "b"], ["a", "c"]];
    const base = rankBm25(docs, ["a"]);
    const noLength = rankBm25(docs, ["a"], { b: 0 });
    const flat = rankBm25(docs, ["a"], { k1: 0 });
    assert.notDeepEqual(base, noLength);
    assert.ok(Math.abs((flat[0] ?? 0) - (flat[1] ?? 1)) < 1e-12);
  });
});
