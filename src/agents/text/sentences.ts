/**
 * Sentence splitting for evidence ranking: Markdown blocks (paragraphs, list items) are separated first, each
 * block is cut into pieces of at most PIECE_CHARS at safe boundaries, and each piece is segmented with
 * Intl.Segmenter. Fragments of fewer than three words are dropped; long sentences are capped.
 *
 * Why pieces: V8's sentence segmenter takes time that grows about quadratically with the length of the text it
 * is given (1.9 s for 400 KB of prose in one paragraph, 10 ms in pieces), and a PDF dump or a log is one long
 * block. A safe boundary is where Unicode's sentence rules (UAX #29) break anyway — a terminator, closing
 * punctuation, white space, then an upper-case letter — so prose splits exactly as it would whole. Text with
 * no such boundary within a piece (minified JSON, lower-case logs) is cut at the last space, else at the limit.
 */
import { wordTokens } from "./tokenize.js";

export const MAX_SENTENCE_CHARS = 600;
export const MIN_SENTENCE_WORDS = 3;
/** The longest text handed to the segmenter at once (UTF-16 units). */
export const PIECE_CHARS = 2000;

const BULLET = /^\s*(?:[-*+\u2022\u2023\u25E6]|\d{1,3}[.)])\s+/u;
const HEADING = /^\s{0,3}#{1,6}(?:\s+|$)/u;
const QUOTE = /^\s*>\s?/u;
const FENCE_OR_RULE = /^\s*(?:```|~~~|(?:[-*_]\s*){3,}$)/u;
/** Where UAX #29 breaks whatever follows: terminator, closers, spaces, then an upper-case letter. */
const SAFE_BREAK = /[.!?\u2026\u3002\uFF01\uFF1F]['"\u2019\u201D)\]]*\s+(?=\p{Lu})/gu;

/**
 * A terminator where UAX #29 could break, with something after it (trailing closers and spaces don't count). A
 * full stop before a digit, a lower-case letter or a comma never breaks (1.37, e.g., example.com).
 */
const TERMINATOR_INSIDE = /(?:[!?\u2026\u3002\uFF01\uFF1F]|\.(?![\p{N}\p{Ll},;:]))(?!['"\u2019\u201D)\]]*\s*$)/u;

let segmenter: Intl.Segmenter | undefined;

/** The sentences of a text, in order, trimmed, whitespace-collapsed and capped at 600 characters. */
export function splitSentences(text: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "sentence" });
  const sentences: string[] = [];
  for (const block of splitBlocks(text)) {
    for (const piece of splitPieces(block)) {
      if (!TERMINATOR_INSIDE.test(piece)) {
        keep(piece, sentences); // nothing in it can end a sentence before its end: one sentence
        continue;
      }
      for (const { segment } of segmenter.segment(piece)) keep(segment, sentences);
    }
  }
  return sentences;
}

function keep(segment: string, sentences: string[]): void {
  const sentence = segment.replace(/\s+/gu, " ").trim();
  if (sentence === "" || !hasWords(sentence, MIN_SENTENCE_WORDS)) return;
  sentences.push(cap(sentence));
}

/** A block cut into pieces of at most `limit` UTF-16 units: at safe sentence breaks, else at spaces, else anywhere. */
export function splitPieces(block: string, limit = PIECE_CHARS): string[] {
  if (block.length <= limit) return [block];
  const pieces: string[] = [];
  let start = 0;
  let lastSafe = -1;
  let exhausted = false; // no safe break after lastSafe: the regex has run to the end of the block
  SAFE_BREAK.lastIndex = 0;
  while (block.length - start > limit) {
    const end = start + limit;
    // The last safe break after `start` and at most `end` (the regex runs forward once over the whole block).
    let cut = lastSafe > start && lastSafe <= end ? lastSafe : -1;
    while (!exhausted && lastSafe <= end) {
      const m = SAFE_BREAK.exec(block);
      if (m === null) {
        exhausted = true;
        break;
      }
      lastSafe = m.index + m[0].length;
      if (lastSafe <= end) cut = lastSafe;
    }
    if (cut <= start) {
      const space = block.slice(start, end).lastIndexOf(" "); // within the piece: lastIndexOf alone scans to 0
      cut = space > 0 ? start + space + 1 : end;
      if (isLowSurrogate(block.charCodeAt(cut))) cut--; // never split a surrogate pair
    }
    pieces.push(block.slice(start, cut));
    start = cut;
  }
  pieces.push(block.slice(start));
  return pieces;
}

/**
 * Paragraphs end at blank lines; every bullet item and numbered item starts a block of its own
 * (markers stripped), so Markdown lists become separate sentences. Headings end a block and are dropped.
 */
function splitBlocks(text: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (isLineOriented(current)) for (const line of current) blocks.push(line); // not push(...): 125k+ lines overflow the stack
    else if (current.length > 0) blocks.push(current.join(" "));
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

/**
 * A run of lines that are records rather than wrapped prose (a log, a listing): many lines and almost none
 * ending like a sentence. Each line is then a block of its own instead of one endless paragraph.
 */
function isLineOriented(lines: readonly string[]): boolean {
  if (lines.length < LINE_ORIENTED_MIN_LINES) return false;
  let ended = 0;
  for (const line of lines) if (SENTENCE_END.test(line)) ended++;
  return ended / lines.length < 0.05;
}
const LINE_ORIENTED_MIN_LINES = 8;
const SENTENCE_END = /[.!?:;\u2026\u3002]['"\u2019\u201D)\]]*$/u;

/** Whether a sentence has at least `n` words (stops counting at n). */
function hasWords(sentence: string, n: number): boolean {
  if (n <= 0) return true;
  // A long sentence is counted on its first 200 characters first (a word cut there still counts as one).
  if (sentence.length > 200 && wordTokens(sentence.slice(0, 200)).length >= n) return true;
  return wordTokens(sentence).length >= n;
}

function cap(sentence: string): string {
  if (sentence.length <= MAX_SENTENCE_CHARS) return sentence; // UTF-16 units >= code points
  const chars = Array.from(sentence);
  if (chars.length <= MAX_SENTENCE_CHARS) return sentence;
  return `${chars.slice(0, MAX_SENTENCE_CHARS - 1).join("").trimEnd()}\u2026`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
