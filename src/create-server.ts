/**
 * Builds the whole server apart from its transport: storage and run manager, built once; the graph with its
 * executors and checkpointer (workflow-assembly.ts), built once on first use; and, per connected client, an MCP
 * server with the tools and resources acting for its principal (session-server.ts). `server.ts` connects one to
 * stdio, or serves one per HTTP session.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import type { Settings } from "./config.js";
import type { ServerLogger } from "./log.js";
import type { Sampler } from "./agents/executors/sampling.js";
import type { LoadedInput } from "./agents/executors/types.js";
import { AgentAllocations } from "./agents/agent-allocations.js";
import { AgentFactory } from "./agents/factory.js";
import { ResourcePool } from "./agents/resource-pool.js";
import { createRunAgents } from "./agents/run-agents.js";
import { FORK_POINT_NODES } from "./orchestration/fork-plan.js";
import type { Task } from "./domain/task.js";
import type { Workflow } from "./workflow-assembly.js";
import { InputAccess } from "./runs/input-access.js";
import { RunManager } from "./runs/run-manager.js";
import { RunQueries } from "./runs/run-queries.js";
import type { ServerContext } from "./server-context.js";
import { createSessionServer, type SessionServerOptions } from "./session-server.js";
import { ClientSessions } from "./sessions/client-sessions.js";
import { elicitDecision } from "./sessions/elicit-decision.js";
import { openStorage } from "./storage/open-storage.js";
import { RunInterest } from "./resources/run-interest.js";
import { RunMetrics } from "./telemetry/run-metrics.js";
import type { NewTimelineEvent } from "./domain/timeline-event.js";
import type { Meter } from "@opentelemetry/api";
import { failSpan, startChatSpan } from "./telemetry/spans.js";

export { VERSION } from "./version.js";

export interface Conductor {
  context: ServerContext;
  /** A new MCP server for one client acting for `principal`; connect it to a transport. Closing it ends the session. */
  connectClient(principal: string, options?: SessionServerOptions): McpServer;
  /** Loads the graph and its libraries now, if no run has yet: called once start-up is over, so that the first run does not wait for them. */
  warmUp(): Promise<void>;
  /** Whether the database answers (for health checks). */
  healthy(): Promise<boolean>;
  close(reason?: string): Promise<void>;
}

export interface ConductorOptions {
  /** Where the server's metrics go (telemetry/metrics-setup.ts); none: metrics are off and cost nothing. */
  meter?: Meter;
}

export async function createConductor(settings: Settings, log: ServerLogger, options: ConductorOptions = {}): Promise<Conductor> {
  const storage = await openStorage(settings.dbPath, { leaseMs: settings.leaseSeconds * 1000 });
  let manager: RunManager | undefined;
  const metrics = options.meter && new RunMetrics(options.meter, {
    waitingRuns: async () => (await storage.runs.idsWithStatus("interrupted")).length,
    queuedRuns: () => manager?.queueDepth() ?? 0,
  });
  const usage = metrics ? metrics.measure(storage.usage) : storage.usage;
  const { runs, timeline, results, agents: agentStore } = storage;
  const inputs = new InputAccess(settings.allowedDirs, settings.maxInputBytes);
  const pool = new ResourcePool({ cpu: settings.poolCpu, memory_mb: settings.poolMemoryMb });
  const factory = await new AgentFactory(storage.templates, agentStore, pool).init();
  const allocations = new AgentAllocations(agentStore, pool, log);
  await allocations.restore(storage.backend === "postgres");
  const sessions = new ClientSessions();
  const principalOf = async (runId: string) => (await runs.principalOf(runId)) ?? "";
  const runAgents = createRunAgents(factory, allocations, agentStore, principalOf);
  manager = new RunManager({
    runs, timeline, inputs, log, changes: storage.changes, usage,
    ...(metrics ? { observeEvents: (_runId: string, events: readonly NewTimelineEvent[]) => metrics.observeEvents(events) } : {}),
    checkTasks: async (tasks, principal) => {
      for (const t of tasks) if (t.agent_id !== undefined) await factory.pinnable(t.agent_id, t.type, principal);
    },
    onRunEnded: async (runId) => {
      await allocations.retireRun(runId);
      await storage.pruneCheckpoints(runId, FORK_POINT_NODES);
    },
    askUser: async (run, pause) => {
      const session = sessions.forRun(run.run_id, run.principal);
      return session ? elicitDecision(session.server, run.run_id, pause) : null;
    },
    leases: storage.leases,
    results,
    planAgents: async (runId, tasks, options) => new Map((await runAgents.planRun(runId, tasks, options)).map((p) => [p.task_id, { agent_id: p.agent.agent_id, agent_type: p.agent.agent_type }])),
    deleteRuns: (runIds) => storage.deleteRuns(runIds),
    ...(settings.retainDays !== undefined ? { retainDays: settings.retainDays } : {}),
    maxConcurrentRuns: settings.limits.maxConcurrentRuns,
    limits: settings.limits,
    ...(settings.models ? { models: { ...settings.models, priced: (m: string) => settings.models!.prices[m] !== undefined } } : {}),
  });

  const loadInputs = async (runId: string, task: Task, signal: AbortSignal): Promise<LoadedInput[]> =>
    Promise.all(task.inputs.map(async (ref) => {
      if (ref.kind === "path") return { name: ref.name, text: await inputs.read(ref.path, signal) };
      const row = await runs.inlineInput(runId, task.id, ref.index);
      if (!row) throw new Error(`input ${ref.index} of task ${task.id} is missing from the run store`);
      return row;
    }));

  // A run's model is its client's: after a restart the branch waits (within its timeout) for that client to be back.
  // Each sampling request is a `chat` span (the client's model), a child of its branch's or the report's span.
  const sample: Sampler = async (runId, params, options) => {
    const span = startChatSpan(runId, "mcp.sampling", "sampling");
    try {
      const session = await sessions.waitForRun(runId, await principalOf(runId), options.signal);
      const result = await session.server.server.createMessage(params, options);
      if (typeof result.model === "string") span.setAttribute("gen_ai.response.model", result.model);
      return result;
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  };
  // The graph and what it runs on (LangGraph, LangChain, the executors) are loaded when a run first needs them, or
  // warmed in the background once start-up is over (warmUp): a host's first requests do not wait for them.
  // A load that failed is tried again by the next caller (the run that asked for it fails with the error).
  let workflow: Promise<Workflow> | undefined;
  const loadWorkflow = () => (workflow ??= (async () => {
    const [{ assembleWorkflow }, checkpointer] = await Promise.all([import("./workflow-assembly.js"), storage.checkpointer()]);
    return assembleWorkflow({
      settings, usage, sample, agents: runAgents, loadInputs, results, checkpointer,
      recordEvents: (runId, events) => manager.recordEvents(runId, events),
    });
  })().catch((error: unknown) => {
    workflow = undefined;
    throw error;
  }));
  const graph = async () => (await loadWorkflow()).graph;
  manager.attach(graph);

  const interest = new RunInterest();
  const queries = new RunQueries({ manager, runs, timeline, results, graph, maxTimelinePage: settings.limits.maxTimelinePage });
  const context: ServerContext = { settings, log, storage, manager, queries, runs, timeline, factory, allocations, agents: agentStore, results, sessions, interest };
  // Other processes' changes to runs reach this process's subscribers like its own.
  storage.changes.start((change) => manager.events.emit(change.kind, change.run_id), () => interest.runIds());

  const idleSweep = setInterval(() => {
    void allocations.retireIdle(settings.agentIdleSeconds)
      .then((ids) => ids.forEach((id) => log.info(`retired idle agent ${id}`)))
      .then(() => allocations.releaseRetiredElsewhere())
      .then((ids) => ids.forEach((id) => log.info(`released agent ${id}: retired by another process`)))
      .catch((error: unknown) => log.warning("the idle-agent sweep failed", { error: String(error) }));
  }, Math.min(60, settings.agentIdleSeconds / 2) * 1000);
  idleSweep.unref();

  return {
    context,
    connectClient: (principal, options) => createSessionServer(context, principal, options),
    warmUp: async () => void await loadWorkflow(),
    healthy: () => storage.healthy(),
    /** For a clean exit: runs in flight are recorded as interrupted and their leases freed (the next start, or
     *  another process, resumes them from their last checkpoint); then the database and the clients' connections
     *  close. The caller exits the process right after. */
    async close(reason = "server shutdown") {
      clearInterval(idleSweep);
      await manager.shutdown(reason).catch((error: unknown) => log.error("could not record the shutdown", { error: String(error) }));
      // The database closes first: a branch whose client connection closes next must not record that as its
      // failure (it runs again on the next start). Nothing is written after the shutdown was recorded.
      await storage.close();
      await workflow?.then((w) => w.close()).catch(() => undefined);
      await Promise.all([...sessions.all()].map((s) => s.server.close().catch(() => undefined)));
    },
  };
}
