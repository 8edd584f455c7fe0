/**
 * The default responder: a deterministic "model" that answers a structured branch request with
 * `{ findings: [{ text, source }], confidence }` quoting the prompt, and a plain text request with a short
 * Markdown report.
 */
import type { RecordedRequest, Reply, Responder } from "../scripted-provider.js";

export interface Quote {
  text: string;
  source: string;
}

const MAX_QUOTE_CHARS = 240;

/** The first sentence of `text` (whitespace collapsed, at most 240 characters). */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const match = /^.+?[.!?](?=\s|$)/.exec(flat);
  return (match?.[0] ?? flat).slice(0, MAX_QUOTE_CHARS);
}

/**
 * One quote from a prompt: the first sentence of its first `<source name="…">…</source>` block (the
 * executor's prompt shape), or after a `Source: name` line, else the first sentence of the whole text with
 * source "unknown".
 */
export function quoteOf(text: string): Quote {
  const tagged = /<source\s+name="([^"]*)"[^>]*>([\s\S]*?)(?:<\/source>|$)/i.exec(text);
  if (tagged && tagged[2]!.trim() !== "") return { text: firstSentence(tagged[2]!), source: tagged[1]! || "unknown" };
  const labelled = /^\s*source:\s*(\S[^\n]*)\n([\s\S]+)/im.exec(text);
  if (labelled && labelled[2]!.trim() !== "") return { text: firstSentence(labelled[2]!), source: labelled[1]!.trim() };
  return { text: firstSentence(text) || "No content was given.", source: "unknown" };
}

export interface FindingsOptions {
  /** Confidence when a source was named (default 0.8); half of it when none was. */
  confidence?: number;
  /** Per-call latency (e.g. from `seededLatency`). */
  delayMs?: (request: RecordedRequest, index: number) => number;
}

/** Answers structured requests with findings built from the last user message, plain ones with Markdown. */
export function findingsResponder(options: FindingsOptions = {}): Responder {
  const confidence = options.confidence ?? 0.8;
  return (request, index): Reply => {
    const quote = quoteOf(request.userText || request.text);
    const score = quote.source === "unknown" ? confidence / 2 : confidence;
    const delay = options.delayMs?.(request, index);
    const timing = delay === undefined ? {} : { delayMs: delay };
    if (request.structured) return { kind: "answer", content: { findings: [quote], confidence: score }, ...timing };
    const report = `# Report\n\n- ${quote.text} (source: ${quote.source})\n\nConfidence: ${score}\n`;
    return { kind: "answer", content: report, ...timing };
  };
}
