/**
 * retire_agent: retires a generated agent and gives its resources back to the pool.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { SessionContext } from "../server-context.js";

export const RetireAgentInput = z.object({ agent_id: z.string().min(1).max(200).describe("An active agent, see orchestrator://agents/active") });
export const RetireAgentOutput = {
  agent_id: z.string(),
  released: z.object({ cpu: z.number(), memory_mb: z.number() }),
};

export function registerRetireAgent(server: McpServer, ctx: SessionContext): void {
  server.registerTool("retire_agent", {
    title: "Retire a generated agent",
    description: "Retire an agent made by generate_agent (or a run's agent) and release the resources it holds. Agents of a run are retired " +
      "automatically when the run ends, and generated agents after an idle timeout.",
    inputSchema: RetireAgentInput,
    outputSchema: RetireAgentOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  }, async ({ agent_id }) => {
    await ctx.factory.requireAgent(agent_id, ctx.principal);
    const released = await ctx.allocations.retire(agent_id);
    return {
      content: [{ type: "text" as const, text: `Retired ${agent_id}; released cpu ${released.cpu} and ${released.memory_mb} MB.` }],
      structuredContent: { agent_id, released },
    };
  });
}
