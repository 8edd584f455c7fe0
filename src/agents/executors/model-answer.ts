/**
 * Branch work done by a model (the client's, through sampling, or the calling assistant's, through a
 * delegate work order), pure parts: the prompt an agent sends, the answer shape it asks for, parsing an
 * answer (JSON, JSON in a code fence, or plain prose), and the quality score, which combines the model's
 * stated confidence with evidence checks (findings that cite or quote the given inputs).
 */
import type { Finding } from "../../domain/finding.js";
import type { AgentRef, BranchWork, LoadedInput } from "./types.js";

export class MalformedAnswerError extends Error {
  override name = "MalformedAnswerError";
}

/** The JSON schema of an answer, sent with the prompt and in delegate work orders. */
export const ANSWER_SCHEMA = {
  type: "object",
  required: ["findings"],
  properties: {
    findings: {
      type: "array",
      items: {
        type: "object", required: ["text"],
        properties: { text: { type: "string" }, source: { type: "string", description: "the input name the finding comes from" } },
      },
    },
    confidence: { type: "number", minimum: 0, maximum: 1 },
  },
} as const;

/** Characters of input text put into one prompt at most (the rest is cut with a marker). */
export const MAX_PROMPT_INPUT_CHARS = 60_000;

export function systemPrompt(agent: AgentRef & { instructions?: string }): string {
  return [
    `You are ${agent.agent_type}, one specialized agent in a multi-agent workflow.`,
    agent.instructions ?? "",
    `Your specialization: ${JSON.stringify(agent.parameters)}.`,
    "Use only the sources you are given; never invent facts. Answer with JSON only, in this shape:",
    JSON.stringify({ findings: [{ text: "one finding, a full sentence", source: "the source's name" }], confidence: 0.8 }),
  ].filter((l) => l !== "").join("\n");
}

export function userPrompt(work: Pick<BranchWork, "objective" | "task" | "inputs">): string {
  const { task } = work;
  let budget = MAX_PROMPT_INPUT_CHARS;
  const sources = work.inputs.map((i) => {
    const text = i.text.length > budget ? `${i.text.slice(0, Math.max(0, budget))}\n[... cut]` : i.text;
    budget = Math.max(0, budget - i.text.length);
    return `<source name="${i.name}">\n${text}\n</source>`;
  });
  return [
    `Objective of the whole workflow: ${work.objective}`,
    `Your task (${task.type}${task.focus ? `, focus ${task.focus}` : ""}${task.analysis_type ? `, ${task.analysis_type} analysis` : ""}): ${task.description}`,
    ...(task.feedback?.length ? [`Reviewer feedback to address: ${task.feedback.join(" | ")}`] : []),
    sources.length ? `Sources:\n${sources.join("\n")}` : "No sources were given: say so, with confidence 0, rather than guessing.",
    "Report the findings that answer the task, best first, each with the name of its source, and your confidence (0..1).",
  ].join("\n\n");
}

export interface ParsedAnswer {
  findings: Array<{ text: string; source?: string }>;
  confidence: number | undefined;
}

/** Parses a model's reply. JSON (bare or fenced) must have the answer's shape; prose becomes one finding per line or sentence. */
export function parseModelAnswer(reply: string): ParsedAnswer {
  const trimmed = reply.trim();
  if (trimmed === "") throw new MalformedAnswerError("the answer was empty");
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(trimmed)?.[1]?.trim();
  const candidate = fenced ?? (trimmed.startsWith("{") || trimmed.startsWith("[") ? trimmed : undefined);
  if (candidate === undefined) {
    const lines = trimmed.split(/\n+/).map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, "").trim()).filter((l) => l.length > 0);
    return { findings: lines.map((text) => ({ text })), confidence: undefined };
  }
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch (error) {
    throw new MalformedAnswerError(`the answer looked like JSON but did not parse: ${(error as Error).message}`);
  }
  return normalizeAnswer(value);
}

/** Accepts { findings: [...], confidence? } with findings as strings, { text, source } objects, or a map source -> strings. */
export function normalizeAnswer(value: unknown): ParsedAnswer {
  if (Array.isArray(value)) return normalizeAnswer({ findings: value });
  if (typeof value !== "object" || value === null || !("findings" in value)) throw new MalformedAnswerError('the answer has no "findings"');
  const { findings, confidence } = value as { findings: unknown; confidence?: unknown };
  if (confidence !== undefined && (typeof confidence !== "number" || !(confidence >= 0 && confidence <= 1))) {
    throw new MalformedAnswerError('"confidence" must be a number from 0 to 1');
  }
  return { findings: normalizeFindings(findings), confidence: confidence as number | undefined };
}

function normalizeFindings(findings: unknown): ParsedAnswer["findings"] {
  if (Array.isArray(findings)) {
    return findings.map((f, i) => {
      if (typeof f === "string") return { text: f };
      if (typeof f === "object" && f !== null && typeof (f as { text?: unknown }).text === "string") {
        const { text, source } = f as { text: string; source?: unknown };
        return typeof source === "string" ? { text, source } : { text };
      }
      throw new MalformedAnswerError(`finding ${i + 1} is neither a string nor { text, source }`);
    });
  }
  if (typeof findings === "object" && findings !== null) {
    return Object.entries(findings).flatMap(([source, texts]) => {
      if (!Array.isArray(texts) || !texts.every((t) => typeof t === "string")) {
        throw new MalformedAnswerError(`findings of source "${source}" must be a list of strings`);
      }
      return texts.map((text: string) => ({ text, source }));
    });
  }
  throw new MalformedAnswerError('"findings" must be a list of strings, a list of { text, source }, or a map from source name to strings');
}

/** Default confidence when the answer states none. */
export const UNSTATED_CONFIDENCE = 0.5;

/**
 * Findings with sources and scores, and the quality: 0.5 x stated confidence + 0.5 x share of findings
 * backed by the inputs (citing an input by name, or sharing most of their words with one). Without
 * inputs nothing can be checked, so quality is half the confidence at most.
 */
export function scoreAnswer(answer: ParsedAnswer, inputs: LoadedInput[], fallbackSource: string): { findings: Finding[]; quality: number; backed: number } {
  const names = new Set(inputs.map((i) => i.name));
  const corpus = inputs.map((i) => ({ name: i.name, words: wordSet(i.text) }));
  let backed = 0;
  const findings = answer.findings.filter((f) => f.text.trim() !== "").map((f, i, all) => {
    const cited = f.source !== undefined && names.has(f.source) ? f.source : undefined;
    const quoted = cited ?? bestOverlap(f.text, corpus);
    if (quoted) backed++;
    return { text: f.text.trim(), source: quoted ?? f.source ?? fallbackSource, score: round4(1 - i / Math.max(1, all.length)) };
  });
  const confidence = answer.confidence ?? UNSTATED_CONFIDENCE;
  const evidence = findings.length === 0 ? 0 : backed / findings.length;
  const quality = inputs.length === 0 ? confidence * 0.5 : 0.5 * confidence + 0.5 * evidence;
  return { findings, quality: round4(findings.length === 0 ? Math.min(quality, 0.05) : quality), backed };
}

function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []);
}

/** The input most of whose words the finding shares (at least 60% of the finding's words), or undefined. */
function bestOverlap(text: string, corpus: Array<{ name: string; words: Set<string> }>): string | undefined {
  const words = [...wordSet(text)];
  if (words.length === 0) return undefined;
  let best: { name: string; share: number } | undefined;
  for (const c of corpus) {
    const share = words.filter((w) => c.words.has(w)).length / words.length;
    if (share >= 0.6 && (!best || share > best.share)) best = { name: c.name, share };
  }
  return best?.name;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
