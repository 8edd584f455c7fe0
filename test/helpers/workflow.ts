/**
 * Requests and readers shared by the integration tests.
 */
import fs from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { call, ROOT } from "./server.js";

export const SAMPLES = path.join(ROOT, "examples/edge-ai");
export const sample = (name: string) => fs.readFileSync(path.join(SAMPLES, name), "utf8");

/** The five-task run of the issue: research technical/market/competitive, analysis high/normal. */
export function fiveTaskRequest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    objective: "Should we build an edge AI accelerator product? Assess technology, market and competition.",
    tasks: [
      { type: "research", focus: "technical", description: "accelerator architecture, inference latency and power", inputs: [{ name: "technical.md", text: sample("technical.md") }] },
      { type: "research", focus: "market", description: "market revenue, growth and customer demand", inputs: [{ name: "market.md", text: sample("market.md") }] },
      { type: "research", focus: "competitive", description: "competitors, market share and competitive advantage", inputs: [{ name: "competitive.md", text: sample("competitive.md") }] },
      { type: "analysis", priority: "high", description: "shipment units and average selling price trend", analysis_type: "trend", inputs: [{ name: "shipments.csv", text: sample("shipments.csv") }] },
      { type: "analysis", priority: "normal", description: "chip latency and power benchmarks", inputs: [{ name: "benchmarks.csv", text: sample("benchmarks.csv") }] },
    ],
    ...extra,
  };
}

export interface Status {
  run_id: string;
  status: string;
  workflow_mode: string | null;
  pending_interrupts: Array<{ interrupt_id: string; point: string; summary: string; options: string[]; payload: Record<string, unknown> }>;
  progress: { branches_total: number; branches_completed: number; branches_failed: number };
  result?: { report: string; quality_score: number; source_attribution: Record<string, number>; failed_branches: Array<{ branch_id: string; error: string }>; revisions: number; partial: boolean };
  error?: string;
  timeline_length: number;
}

export interface TimelineEvent { seq: number; timestamp?: string; event: string; node?: string; branch_id?: string; data?: Record<string, unknown> }

/** The whole timeline of a run, paging through get_timeline. */
export async function timeline(client: Client, runId: string): Promise<TimelineEvent[]> {
  const events: TimelineEvent[] = [];
  let since = 0;
  for (;;) {
    const page = await call<{ events: TimelineEvent[]; next_since: number; total: number }>(client, "get_timeline", { run_id: runId, since, limit: 1000 });
    events.push(...page.events);
    if (page.events.length === 0) return events;
    since = page.next_since;
  }
}

export async function readJson<T = Record<string, unknown>>(client: Client, uri: string): Promise<T> {
  const res = await client.readResource({ uri });
  const first = res.contents[0] as { text: string };
  return JSON.parse(first.text) as T;
}
