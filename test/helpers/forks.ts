/**
 * What the fork tests (test/integration/forks.test.ts, fork-recovery.test.ts) share: the shapes of
 * get_run_history and a run's state, a run paused at its quality gate and its checkpoint, what a client can read
 * of a run (to compare byte for byte), and a second principal over HTTP on the same database.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { call, SERVER, startHttpServer, tempDir } from "./server.js";
import { fiveTaskRequest, type Status, type TimelineEvent } from "./workflow.js";
export interface Checkpoint {
  checkpoint_id: string;
  step: number;
  created_at: string;
  next: string[];
  point: "sync_point" | "quality" | "branch_work" | null;
  branches_settled: number;
}
export interface History { run_id: string; checkpoints: Checkpoint[]; total: number; next_after: string | null }
export type ForkStatus = Status & { forked_from?: { run_id: string; checkpoint_id: string } };
export interface BranchResult { branch_id: string; status: string; findings: Array<{ text: string; source: string }>; [key: string]: unknown }
export interface RunState {
  forked_from?: { run_id: string; checkpoint_id: string };
  tasks: Array<{ id: string; description: string; depends_on: string[] }>;
  completed_branches: Record<string, BranchResult>;
}

export const BRANCH_EVENTS = new Set(["branch_dispatched", "branch_completed", "branch_failed", "branch_retried"]);

/** The whole history in one page (at most 500 checkpoints). */
export async function history(client: Client, runId: string): Promise<History> {
  const page = await call<History>(client, "get_run_history", { run_id: runId, limit: 500 });
  assert.equal(page.next_after, null, "one page holds the whole history");
  assert.equal(page.checkpoints.length, page.total);
  return page;
}

/** The checkpoint the run paused at for its quality gate (the last one with point "quality"). */
export function qualityCheckpoint(h: History): Checkpoint {
  const found = h.checkpoints.filter((c) => c.point === "quality").at(-1);
  assert.ok(found, `a checkpoint with point "quality" in ${JSON.stringify(h.checkpoints.map((c) => [c.step, c.next, c.point]))}`);
  assert.ok(found.next.includes("quality_validator"), `the quality checkpoint's next: ${JSON.stringify(found.next)}`);
  return found;
}

/** The five-task run paused at its quality gate (the only pause asked for), with `extra` in the request. */
export async function pausedAtQuality(client: Client, extra: Record<string, unknown> = {}, tasks?: (t: Array<Record<string, unknown>>) => void): Promise<{ status: Status; checkpoint: Checkpoint }> {
  const request = fiveTaskRequest({ approvals: ["quality"], wait_seconds: 60, ...extra }) as { tasks: Array<Record<string, unknown>> };
  tasks?.(request.tasks);
  const status = await call<Status>(client, "start_workflow", request);
  assert.equal(status.status, "interrupted", JSON.stringify(status));
  assert.equal(status.pending_interrupts[0]?.point, "quality");
  return { status, checkpoint: qualityCheckpoint(await history(client, status.run_id)) };
}

/** The ids of the branches whose events appear in `events` under `event`, each once. */
export const branchIds = (events: TimelineEvent[], event: string) => new Set(events.filter((e) => e.event === event).map((e) => e.branch_id!));
export const sorted = (ids: Iterable<string>) => [...ids].sort();

/** The report's finding lines ("- text — *source* (tN)"), in order. */
export const findingLines = (report: string) => report.split("\n").filter((l) => /^- .* — \*.+\* \(t\d+\)$/.test(l));

/** Everything a client can read of a run, as the server sent it (text, not re-serialized objects). */
export async function snapshot(client: Client, runId: string): Promise<Record<string, string[]>> {
  const raw = async (name: string, args: Record<string, unknown>) => JSON.stringify(await client.callTool({ name, arguments: args }));
  const timelinePages: string[] = [];
  for (let since = 0; ; ) {
    const result = (await client.callTool({ name: "get_timeline", arguments: { run_id: runId, since, limit: 7 } })) as CallToolResult;
    assert.ok(!result.isError, JSON.stringify(result.content));
    timelinePages.push(JSON.stringify(result));
    const page = result.structuredContent as { events: unknown[]; next_since: number };
    if (page.events.length === 0) break;
    since = page.next_since;
  }
  const resource = async (uri: string) => (await client.readResource({ uri })).contents.map((c) => ("text" in c ? String(c.text) : ""));
  const historyPages: string[] = [await raw("get_run_history", { run_id: runId, limit: 500 })];
  const first = JSON.parse(historyPages[0]!) as { structuredContent: History };
  for (let after: string | null = first.structuredContent.checkpoints[0]?.checkpoint_id ?? null; after !== null; ) {
    const text = await raw("get_run_history", { run_id: runId, after, limit: 2 });
    historyPages.push(text);
    after = (JSON.parse(text) as { structuredContent: History }).structuredContent.next_after;
  }
  return {
    timeline: timelinePages,
    state: await resource(`orchestrator://runs/${runId}`),
    timelineResource: await resource(`orchestrator://runs/${runId}/timeline`),
    history: historyPages,
  };
}

/** A fork that re-ran nothing: no branch event at all in its timeline. */
export function assertNoBranchRan(events: TimelineEvent[]): void {
  const ran = events.filter((e) => BRANCH_EVENTS.has(e.event) || (e.event === "node_started" && e.branch_id !== undefined));
  assert.deepEqual(ran.map((e) => `${e.event}:${e.branch_id}`), [], "no branch ran in the fork");
}

export function assertDense(events: TimelineEvent[]): void {
  assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1), "seq is dense");
}

/** A second process on `dbPath` over HTTP whose one bearer token is the principal "alice" (a 2025-11-25 session). */
export async function aliceOn(dbPath: string): Promise<{ client: Client; stop(): Promise<void> }> {
  const dir = tempDir();
  const tokens = path.join(dir, "tokens.txt");
  const token = "token-of-alice-forks-0123456789";
  fs.writeFileSync(tokens, `${token} alice\n`);
  const server = await startHttpServer([SERVER, "--db", dbPath, "--auth-tokens", tokens, "--pool-cpu", "4", "--pool-memory-mb", "4096"]);
  const client = new Client({ name: "forks-alice", version: "0.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return { client, async stop() { await client.close(); await server.stop(); } };
}
