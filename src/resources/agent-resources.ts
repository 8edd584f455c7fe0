/**
 * The agent resources: registered templates with what they learned, and the active agents with the pool.
 */
import type { AgentAllocations } from "../agents/agent-allocations.js";
import type { AgentFactory } from "../agents/factory.js";
import type { ResourcePool } from "../agents/resource-pool.js";
import type { AgentStorage } from "../storage/storage.js";
import type { GuardedServer } from "../tools/error-boundary.js";

/** What the agent resources call. */
export interface AgentResourcesDeps {
  principal: string;
  factory: Pick<AgentFactory, "listTemplates" | "history">;
  allocations: Pick<AgentAllocations, "allocationOf"> & { pool: Pick<ResourcePool, "capacity" | "usage" | "free"> };
  /** The principal's agents not yet retired. */
  agents: Pick<AgentStorage, "active">;
}

/** The client sees the built-in templates, and its principal's own templates and agents. */
export function registerAgentResources(server: GuardedServer, { principal, factory, allocations, agents }: AgentResourcesDeps): void {
  const json = (uri: URL, value: unknown) => ({ contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(value, null, 2) }] });

  server.registerResource("agent_templates", "orchestrator://agents/templates", {
    title: "Agent templates",
    description: "Every agent template (built-in and registered): capabilities, executor, resources, version, creation count, success rate and recent runs",
    mimeType: "application/json",
  }, async (uri) => json(uri, {
    templates: await Promise.all((await factory.listTemplates(principal)).map(async (t) => ({ ...t, performance_history: await factory.history(principal, t.agent_type) }))),
  }));

  server.registerResource("active_agents", "orchestrator://agents/active", {
    title: "Active agents",
    description: "Agents generated and not yet retired, with what each holds from the resource pool now, and the pool's capacity, usage and free room",
    mimeType: "application/json",
  }, async (uri) => json(uri, {
    pool: { capacity: allocations.pool.capacity, used: allocations.pool.usage(), free: allocations.pool.free() },
    agents: (await agents.active(principal)).map((a) => ({
      agent_id: a.agent_id, agent_type: a.agent_type, run_id: a.run_id, task_id: a.task_id, standalone: a.standalone,
      requirements: a.specification.resource_requirements, allocated: allocations.allocationOf(a.agent_id),
      created_at: a.created_at, last_used_at: a.last_used_at,
    })),
  }));
}
