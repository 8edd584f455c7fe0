/**
 * The workflow half of the composition root, loaded when a run first needs its graph (create-server.ts): the
 * executors, the worker pool, the model providers and the compiled graph on the storage's checkpointer. What it
 * imports (LangGraph, LangChain core, langsmith, the builtin executor's statistics) is most of the server's code,
 * and a host's first requests (initialize, tools/list) need none of it.
 */
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { Settings } from "./config.js";
import { createBuiltinExecutor } from "./agents/executors/builtin.js";
import { createDelegateExecutor } from "./agents/executors/delegate.js";
import { createReportWriter } from "./agents/executors/report-writer.js";
import { createSamplingExecutor, type Sampler } from "./agents/executors/sampling.js";
import { createOfflinePool } from "./agents/offthread/worker-pool.js";
import { modelExecution } from "./model-execution.js";
import { buildWorkflowGraph, type WorkflowGraph } from "./orchestration/graph.js";
import type { GraphDeps } from "./orchestration/nodes/define-node.js";
import { RunWindows } from "./orchestration/run-windows.js";
import type { UsageStorage } from "./storage/storage.js";

export interface WorkflowParts extends Pick<GraphDeps, "agents" | "loadInputs" | "recordEvents" | "results"> {
  settings: Settings;
  usage: UsageStorage;
  /** Sends a sampling request to the run's client (its model). */
  sample: Sampler;
  checkpointer: BaseCheckpointSaver;
}

export interface Workflow {
  graph: WorkflowGraph;
  /** Ends the worker threads. */
  close(): Promise<void>;
}

export function assembleWorkflow(parts: WorkflowParts): Workflow {
  const offline = createOfflinePool({ maxThreads: parts.settings.workerThreads });
  const models = modelExecution(parts.settings, parts.usage, offline);
  const graph = buildWorkflowGraph({
    executors: {
      builtin: createBuiltinExecutor(offline),
      sampling: createSamplingExecutor(parts.sample, offline),
      delegate: createDelegateExecutor(offline),
      model: models.executor,
    },
    agents: parts.agents,
    loadInputs: parts.loadInputs,
    recordEvents: parts.recordEvents,
    results: parts.results,
    writeReport: createReportWriter({ sample: parts.sample, ...models.report }),
    windows: new RunWindows(),
  }, parts.checkpointer);
  return { graph, close: () => offline.close() };
}
