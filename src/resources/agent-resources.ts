/**
 * The agent resources: registered templates with what they learned, and the active agents with the pool.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { SessionContext } from "../server-context.js";

/** The client sees the built-in templates, and its principal's own templates and agents. */
export function registerAgentResources(server: McpServer, ctx: SessionContext): void {
  const json = (uri: URL, value: unknown) => ({ contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(value, null, 2) }] });

  server.registerResource("agent_templates", "orchestrator://agents/templates", {
    title: "Agent templates",
    description: "Every agent template (built-in and registered): capabilities, executor, resources, version, creation count, success rate and recent runs",
    mimeType: "application/json",
  }, async (uri) => json(uri, {
    templates: await Promise.all((await ctx.factory.listTemplates(ctx.principal)).map(async (t) => ({ ...t, performance_history: await ctx.factory.history(ctx.principal, t.agent_type) }))),
  }));

  server.registerResource("active_agents", "orchestrator://agents/active", {
    title: "Active agents",
    description: "Agents generated and not yet retired, with what each holds from the resource pool now, and the pool's capacity, usage and free room",
    mimeType: "application/json",
  }, async (uri) => json(uri, {
    pool: { capacity: ctx.allocations.pool.capacity, used: ctx.allocations.pool.usage(), free: ctx.allocations.pool.free() },
    agents: (await ctx.agents.active(ctx.principal)).map((a) => ({
      agent_id: a.agent_id, agent_type: a.agent_type, run_id: a.run_id, task_id: a.task_id, standalone: a.standalone,
      requirements: a.specification.resource_requirements, allocated: ctx.allocations.allocationOf(a.agent_id),
      created_at: a.created_at, last_used_at: a.last_used_at,
    })),
  }));
}
