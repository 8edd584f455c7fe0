/**
 * Tasks, defined once as zod schemas: the tools validate their input with them, the state stores the normalized
 * form, and the TypeScript types are inferred from them.
 */
import { z } from "zod";

export const TASK_TYPES = ["research", "analysis"] as const;
export const FOCUSES = ["technical", "market", "competitive"] as const;
export const PRIORITIES = ["high", "normal", "low"] as const;
export const WORKFLOW_MODES = ["parallel", "sequential", "adaptive"] as const;
export const APPROVAL_POINTS = ["sync_point", "quality"] as const;
export const EXECUTOR_NAMES = ["auto", "model", "sampling", "delegate", "builtin"] as const;

/** A task input: inline text with a name, or a file path inside an allowed directory. */
export const TaskInputSchema = z.union([
  z.object({
    name: z.string().min(1).max(200).describe("Source name, cited next to every finding taken from it"),
    text: z.string().describe("The source's text (CSV for numeric analysis when the name ends in .csv)"),
  }).strict(),
  z.object({
    path: z.string().min(1).max(4096).describe("A file inside a directory allowed with --allow-dir"),
  }).strict(),
]);
export type TaskInput = z.infer<typeof TaskInputSchema>;

export const TaskSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "task ids are 1-64 letters, digits, '_', '.' or '-'").optional()
    .describe("Unique id; defaults to t1, t2, ... in order"),
  type: z.enum(TASK_TYPES).describe("research ranks evidence in the inputs; analysis computes statistics"),
  description: z.string().min(1).max(4000).describe("What the branch should find out"),
  focus: z.enum(FOCUSES).optional().describe("Research focus: technical -> alpha, market -> beta, else gamma"),
  priority: z.enum(PRIORITIES).optional().describe("Analysis priority: high -> primary branch, else secondary"),
  complexity: z.number().min(0).max(1).optional().describe("Explicit complexity; otherwise estimated"),
  depends_on: z.array(z.string()).max(500).optional().describe("Task ids that must complete first"),
  analysis_type: z.string().max(200).optional().describe("e.g. statistical, trend, comparative"),
  inputs: z.array(TaskInputSchema).max(100).optional().describe("The evidence the branch works on"),
  agent_id: z.string().max(200).optional().describe("Pin a previously generated agent"),
}).strict();
export type TaskSpec = z.infer<typeof TaskSchema>;

/** A task after normalization: id assigned, defaults filled, inline input text moved out of the state. */
export interface Task {
  id: string;
  type: (typeof TASK_TYPES)[number];
  description: string;
  focus?: (typeof FOCUSES)[number];
  priority: (typeof PRIORITIES)[number];
  complexity?: number;
  depends_on: string[];
  analysis_type?: string;
  /** Input references: the inline texts live in the run store, not in every checkpoint. */
  inputs: InputRef[];
  agent_id?: string;
  /** Reviewer feedback attached by the load balancer on a revision round. */
  feedback?: string[];
}

export type InputRef = { kind: "inline"; index: number; name: string; chars: number } | { kind: "path"; path: string; name: string; bytes: number };
