/**
 * Builds the whole server apart from its transport: storage, checkpointer, executor, graph, run manager,
 * and the MCP server with its tools and resources. `server.ts` only connects it to stdio.
 */
import { createRequire } from "node:module";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Settings } from "./config.js";
import type { ServerLogger } from "./log.js";
import { createBuiltinExecutor } from "./agents/executors/builtin.js";
import { createDelegateExecutor } from "./agents/executors/delegate.js";
import { createReportWriter } from "./agents/executors/report-writer.js";
import { createSamplingExecutor, type Sampler } from "./agents/executors/sampling.js";
import type { LoadedInput } from "./agents/executors/types.js";
import { AgentAllocations } from "./agents/agent-allocations.js";
import { AgentFactory } from "./agents/factory.js";
import { ResourcePool } from "./agents/resource-pool.js";
import { createRunAgents } from "./agents/run-agents.js";
import { buildWorkflowGraph } from "./orchestration/graph.js";
import type { Task } from "./orchestration/schemas.js";
import { registerAgentResources } from "./resources/agent-resources.js";
import { registerRunResources } from "./resources/run-resources.js";
import { registerRunView } from "./resources/run-view.js";
import { enableSubscriptions } from "./resources/subscriptions.js";
import { registerPlanWorkflowPrompt } from "./prompts/plan-workflow.js";
import { attachMcpLogging } from "./mcp-logging.js";
import { askUserToDecide } from "./runs/ask-user.js";
import { InputAccess } from "./runs/input-access.js";
import { RunManager } from "./runs/run-manager.js";
import type { ServerContext } from "./server-context.js";
import { openDatabase } from "./storage/database.js";
import { AgentStore } from "./storage/agent-store.js";
import { newOwner, RunLeases } from "./storage/run-leases.js";
import { createCheckpointer, createCheckpointPruner } from "./storage/checkpointer.js";
import { RunStore } from "./storage/run-store.js";
import { TemplateStore } from "./storage/template-store.js";
import { TimelineStore } from "./storage/timeline-store.js";
import { BranchResultStore } from "./storage/branch-result-store.js";
import { registerTools } from "./tools/index.js";

export const VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

export interface Conductor {
  server: McpServer;
  context: ServerContext;
  close(reason?: string): Promise<void>;
}

export function createConductor(settings: Settings, log: ServerLogger): Conductor {
  const db = openDatabase(settings.dbPath);
  const runs = new RunStore(db);
  const timeline = new TimelineStore(db);
  const results = new BranchResultStore(db);
  const inputs = new InputAccess(settings.allowedDirs, settings.maxInputBytes);
  const pool = new ResourcePool({ cpu: settings.poolCpu, memory_mb: settings.poolMemoryMb });
  const agentStore = new AgentStore(db);
  const factory = new AgentFactory(new TemplateStore(db), agentStore, pool);
  const allocations = new AgentAllocations(agentStore, pool, log);
  allocations.restore();
  const pruneCheckpoints = createCheckpointPruner(db);
  const manager = new RunManager({
    runs, timeline, inputs, log,
    checkTasks: (tasks) => tasks.forEach((t) => t.agent_id !== undefined && factory.pinnable(t.agent_id, t.type)),
    onRunEnded: (runId) => {
      allocations.retireRun(runId);
      pruneCheckpoints(runId);
    },
    clientSamples: () => server.server.getClientCapabilities()?.sampling !== undefined,
    askUser: (runId, pause) => askUserToDecide(server, runId, pause),
    leases: new RunLeases(db, newOwner(), settings.leaseSeconds * 1000),
    maxConcurrentRuns: settings.limits.maxConcurrentRuns,
    limits: settings.limits,
  });

  const loadInputs = async (runId: string, task: Task, signal: AbortSignal): Promise<LoadedInput[]> =>
    Promise.all(task.inputs.map(async (ref) => {
      if (ref.kind === "path") return { name: ref.name, text: await inputs.read(ref.path, signal) };
      const row = runs.inlineInput(runId, task.id, ref.index);
      if (!row) throw new Error(`input ${ref.index} of task ${task.id} is missing from the run store`);
      return row;
    }));

  const server = new McpServer({ name: "conductor-mcp", title: "Conductor: durable multi-agent workflows", version: VERSION }, {
    capabilities: { logging: {} },
    instructions:
      "Run multi-agent research and analysis workflows. Call start_workflow with an objective and tasks (each with inputs: " +
      "inline { name, text } sources or files under an allowed directory). The run pauses at sync points and before its quality " +
      "gate unless approvals is []; answer with approve_interrupt. Read progress with get_timeline or the orchestrator://runs resources.",
  });
  const sample: Sampler = (params, options) => server.server.createMessage(params, options);
  const graph = buildWorkflowGraph({
    executors: { builtin: createBuiltinExecutor(), sampling: createSamplingExecutor(sample), delegate: createDelegateExecutor() },
    agents: createRunAgents(factory, allocations, agentStore),
    loadInputs,
    recordEvents: (runId, events) => manager.recordEvents(runId, events),
    results,
    writeReport: createReportWriter(sample),
  }, createCheckpointer(db));
  manager.attach(graph);

  const context: ServerContext = { settings, log, manager, runs, timeline, graph, factory, allocations, agents: agentStore, results };
  registerTools(server, context);
  registerRunResources(server, context);
  registerRunView(server);
  registerAgentResources(server, context);
  registerPlanWorkflowPrompt(server);
  enableSubscriptions(server, context);
  attachMcpLogging(server, log, settings.logLevel);

  const idleSweep = setInterval(() => {
    for (const id of allocations.retireIdle(settings.agentIdleSeconds)) log.info(`retired idle agent ${id}`);
  }, Math.min(60, settings.agentIdleSeconds / 2) * 1000);
  idleSweep.unref();

  return {
    server,
    context,
    /** For a clean exit: runs in flight are recorded as interrupted and their leases freed (the next start, or
     *  another process, resumes them from their last checkpoint); then the transport and the database close.
     *  The caller exits the process right after, so no in-flight step touches the closed database. */
    async close(reason = "server shutdown") {
      clearInterval(idleSweep);
      manager.shutdown(reason);
      await server.close().catch(() => undefined);
      db.close();
    },
  };
}
