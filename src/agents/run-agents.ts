/**
 * The agents side of a run, as the graph sees it: generating a run's agents (the design's adaptive node,
 * run inside task_analyzer), resources for a branch's agent, and the monitoring of each agent run.
 */
import type { Task } from "../domain/task.js";
import type { AgentStorage } from "../storage/storage.js";
import type { Outcome } from "../domain/agent-record.js";
import type { AgentAllocations } from "./agent-allocations.js";
import type { AgentRef } from "./executors/types.js";
import type { AgentFactory } from "./factory.js";
import { runAgentNeeds } from "./run-requirements.js";
import type { AgentSpecification, Resources, Selection } from "../domain/agent-specification.js";

export interface PlannedAgent {
  task_id: string;
  agent: AgentRef;
  resources: Resources;
  /** The template's timeout and retry count: they bound the agent's branches (below the run's own). */
  limits: { timeout_seconds: number; retry_attempts: number };
  /** How the template was chosen; absent for a pinned agent. */
  selection?: Selection;
  pinned: boolean;
}

/** What planning a run's agents needs of its options. */
export interface AgentPlanOptions {
  quality_threshold: number;
  branch_timeout_seconds: number;
}

export interface RunAgents {
  /** Free share of the pool's cpu, and how many of the run's branches (each taking its agent's resources, in task order) fit in what is free. */
  availability(needs: readonly Resources[]): { cpu: number; max_concurrent: number };
  /** The run's agents: one per task (a pinned one where the task names agent_id) (no coordination agent: the graph coordinates). */
  planRun(runId: string, tasks: Task[], options: AgentPlanOptions): Promise<PlannedAgent[]>;
  /** Resources for one branch of an agent, and the agent as its executor needs it; call the release whatever happens. */
  acquire(agentId: string, signal: AbortSignal): Promise<{ release: () => void; agent: AgentRef }>;
  recordOutcome(outcome: Omit<Outcome, "principal">): Promise<void>;
}

/** `principalOf` names who a run belongs to: its agents are theirs, chosen from their templates. */
export function createRunAgents(factory: AgentFactory, allocations: AgentAllocations, agents: AgentStorage, principalOf: (runId: string) => Promise<string>): RunAgents {
  async function plan(runId: string, tasks: Task[], options: AgentPlanOptions): Promise<PlannedAgent[]> {
    const principal = await principalOf(runId);
    const byTask = new Map(tasks.map((t) => [t.id, t]));
    const planned: PlannedAgent[] = [];
    for (const task of tasks) {
      if (task.agent_id === undefined) continue;
      const agent = await factory.pinnable(task.agent_id, task.type, principal);
      planned.push({ task_id: task.id, pinned: true, resources: agent.specification.resource_requirements, limits: limitsOf(agent.specification), agent: toRef(agent.agent_id, agent.agent_type, agent.specification.specialization_parameters, agent.specification.instructions, agent.specification.model) });
    }
    const templates = await factory.listTemplates(principal);
    const needs = runAgentNeeds(tasks, options.quality_threshold, options.branch_timeout_seconds).map((need) => ({
      need,
      agent_id: `${runId}/${need.task_id}`,
      generated: factory.specify(need.requirements, { run_id: runId, task_id: need.task_id, focus: byTask.get(need.task_id)?.focus ?? null }, templates),
    }));
    // All of the run's agents in one transaction.
    const records = await factory.record(needs.map((n) => ({ agent_id: n.agent_id, generated: n.generated, owner: { principal, run_id: runId, task_id: n.need.task_id, standalone: false } })));
    needs.forEach(({ need, generated }, i) => {
      const record = records[i]!;
      planned.push({
        task_id: need.task_id, pinned: false, selection: generated.selection, resources: record.specification.resource_requirements, limits: limitsOf(record.specification),
        agent: toRef(record.agent_id, record.agent_type, record.specification.specialization_parameters, record.specification.instructions, record.specification.model),
      });
    });
    return planned;
  }

  return {
    availability(needs) {
      return allocations.pool.availability(needs);
    },
    planRun: plan,
    async acquire(agentId, signal) {
      const agent = await agents.get(agentId);
      if (!agent) throw new Error(`agent ${agentId} is not recorded`);
      if (agent.status !== "active") throw new Error(`agent ${agentId} was retired`);
      const release = await allocations.acquire(agent, signal);
      return { release, agent: toRef(agent.agent_id, agent.agent_type, agent.specification.specialization_parameters, agent.specification.instructions, agent.specification.model) };
    },
    async recordOutcome(outcome) {
      const principal = outcome.run_id !== null ? await principalOf(outcome.run_id) : (await agents.get(outcome.agent_id))?.principal ?? "";
      await factory.recordOutcome({ ...outcome, principal });
    },
  };
}

function limitsOf(spec: AgentSpecification): PlannedAgent["limits"] {
  return { timeout_seconds: spec.timeout_seconds, retry_attempts: spec.retry_attempts };
}

function toRef(agent_id: string, agent_type: string, parameters: Record<string, unknown>, instructions: string, model?: string): AgentRef {
  return { agent_id, agent_type, parameters, instructions, ...(model ? { model } : {}) };
}
