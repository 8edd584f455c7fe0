/**
 * RunStatus, part of the contract: what start_workflow, approve_interrupt and cancel_run return (their output
 * schema) and what the run resource shows. The shape lives here, where every layer may read it; the runs layer
 * builds it (src/runs/run-status.ts).
 */
import { z } from "zod";
import { RUN_STATUSES } from "./run-record.js";

export const PendingInterruptSchema = z.object({
  interrupt_id: z.string(),
  point: z.enum(["sync_point", "quality", "branch_work"]),
  summary: z.string(),
  options: z.array(z.string()),
  payload: z.record(z.string(), z.unknown()),
});
export type PendingInterrupt = z.infer<typeof PendingInterruptSchema>;

export const RunStatusShape = {
  run_id: z.string(),
  status: z.enum(RUN_STATUSES),
  workflow_mode: z.string().nullable(),
  executor: z.string(),
  pending_interrupts: z.array(PendingInterruptSchema),
  progress: z.object({ branches_total: z.number().int(), branches_completed: z.number().int(), branches_failed: z.number().int() }),
  result: z.looseObject({
    report: z.string(),
    quality_score: z.number(),
    source_attribution: z.record(z.string(), z.number()),
  }).optional(),
  error: z.string().optional(),
  timeline_length: z.number().int(),
  forked_from: z.object({ run_id: z.string(), checkpoint_id: z.string() }).optional()
    .describe("A fork's origin: the run and the checkpoint it started from (fork_run)"),
  usage: z.object({
    model_calls: z.number().int().describe("model calls the run made (branches, revisions, the report)"),
    input_tokens: z.number().int(),
    output_tokens: z.number().int(),
    cached_input_tokens: z.number().int().describe("of the input tokens, those read from the provider's prompt cache"),
    cost_usd: z.number().optional().describe("from --model-prices, where the run's models have prices"),
  }).describe("What the run's model calls used, as the provider (or the sampling client) reported it; zeros when it made none"),
};
export const RunStatusSchema = z.object(RunStatusShape);
export type RunStatus = z.infer<typeof RunStatusSchema>;
