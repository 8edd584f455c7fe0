/**
 * Sentence splitting for evidence ranking: Markdown blocks (paragraphs, list items) are
 * separated first, then each block is segmented with Intl.Segmenter. Fragments of fewer than
 * three words are dropped; long sentences are capped.
 */
import { wordTokens } from "./tokenize.js";

export const MAX_SENTENCE_CHARS = 600;
export const MIN_SENTENCE_WORDS = 3;

const BULLET = /^\s*(?:[-*+\u2022\u2023\u25E6]|\d{1,3}[.)])\s+/u;
const HEADING = /^\s{0,3}#{1,6}(?:\s+|$)/u;
const QUOTE = /^\s*>\s?/u;
const FENCE_OR_RULE = /^\s*(?:```|~~~|(?:[-*_]\s*){3,}$)/u;

let segmenter: Intl.Segmenter | undefined;

/** The sentences of a text, in order, trimmed, whitespace-collapsed and capped at 600 characters. */
export function splitSentences(text: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "sentence" });
  const sentences: string[] = [];
  for (const block of splitBlocks(text)) {
    for (const { segment } of segmenter.segment(block)) {
      const sentence = segment.replace(/\s+/gu, " ").trim();
      if (sentence === "") continue;
      if (wordTokens(sentence).length < MIN_SENTENCE_WORDS) continue;
      sentences.push(cap(sentence));
    }
  }
  return sentences;
}

/**
 * Paragraphs end at blank lines; every bullet item and numbered item starts a block of its own
 * (markers stripped), so Markdown lists become separate sentences. Headings end a block and are dropped.
 */
function splitBlocks(text: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) blocks.push(current.join(" "));
    current = [];
  };
  for (const rawLine of text.split(/\r\n|\r|\n/u)) {
    const line = rawLine.replace(QUOTE, "");
    if (line.trim() === "" || FENCE_OR_RULE.test(line)) {
      flush();
    } else if (HEADING.test(line)) {
      flush(); // a heading names a section; it is not evidence
    } else if (BULLET.test(line)) {
      flush();
      current.push(line.replace(BULLET, ""));
    } else {
      current.push(line.trim());
    }
  }
  flush();
  return blocks;
}

function cap(sentence: string): string {
  const chars = Array.from(sentence);
  if (chars.length <= MAX_SENTENCE_CHARS) return sentence;
  return `${chars.slice(0, MAX_SENTENCE_CHARS - 1).join("").trimEnd()}\u2026`;
}
