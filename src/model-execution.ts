/**
 * The model executor's parts, assembled from the settings: the LangChain chat models (loaded on first call), the
 * fair limit on calls in flight, the usage ledger, prices, and the report writer's model. Without --model the
 * executor refuses (start_workflow refuses `executor: "model"` before a run gets here).
 */
import type { Settings } from "./config.js";
import { createChatModelFactory } from "./agents/models/chat-models.js";
import { billedUsage, spentOf } from "./agents/models/budget.js";
import { FairLimiter } from "./agents/models/fair-limiter.js";
import { createModelCaller } from "./agents/models/model-caller.js";
import { type CallUsage } from "./domain/usage.js";
import { API_KEY_VARIABLES, parseModelName, type ModelName } from "./domain/model-name.js";
import { createModelExecutor } from "./agents/executors/model.js";
import type { ReportWriterDeps } from "./agents/executors/report-writer.js";
import type { BranchWork, Executor } from "./agents/executors/types.js";
import type { OfflinePool } from "./agents/offthread/worker-pool.js";
import type { UsageStorage } from "./storage/storage.js";

export interface ModelExecution {
  executor: Executor;
  report: Omit<ReportWriterDeps, "sample">;
}

export function modelExecution(settings: Settings, usage: UsageStorage, pool: OfflinePool, env: NodeJS.ProcessEnv = process.env): ModelExecution {
  const usageOf = async (runId: string): Promise<CallUsage> => billedUsage(await usage.totals(runId));
  const config = settings.models;
  if (!config) {
    return {
      executor: { name: "model", runBranch: () => Promise.reject(new Error("no model is configured on this server (--model)")) },
      report: { usageOf },
    };
  }
  const call = createModelCaller({
    models: createChatModelFactory({ env, ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}) }),
    limiter: new FairLimiter(config.concurrency),
    usage,
    prices: config.prices,
    secrets: Object.values(API_KEY_VARIABLES).map((v) => env[v] ?? "").filter((k) => k.length > 0),
  });
  const named = new Map<string, ModelName>();
  const parsed = (id: string) => {
    let m = named.get(id);
    if (!m) named.set(id, (m = parseModelName(id)));
    return m;
  };
  const allowed = (id: string | undefined) => id !== undefined && config.allowed.includes(id);
  const modelFor = (work: BranchWork) => parsed(allowed(work.agent.model) ? work.agent.model! : work.model ?? config.model);
  return {
    executor: createModelExecutor({
      call, pool, modelFor, ...(config.contextTokens ? { contextTokens: config.contextTokens } : {}),
      tokensLeft: async (runId, budget) => {
        if (budget.max_tokens === undefined) return undefined;
        return Math.max(0, budget.max_tokens - spentOf(await usage.totals(runId)).tokens);
      },
    }),
    report: { usageOf, model: { call, resolve: (run) => parsed(run.model ?? config.model) } },
  };
}
