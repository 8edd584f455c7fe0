/**
 * retire_agent: retires a generated agent and gives its resources back to the pool.
 */
import { z } from "zod";
import type { AgentAllocations } from "../agents/agent-allocations.js";
import type { AgentFactory } from "../agents/factory.js";
import type { GuardedServer } from "./error-boundary.js";
import { annotationsFor } from "./tool-kind.js";

export const RetireAgentInput = z.object({ agent_id: z.string().min(1).max(200).describe("An active agent, see orchestrator://agents/active") });
export const RetireAgentOutput = {
  agent_id: z.string(),
  released: z.object({ cpu: z.number(), memory_mb: z.number() }),
};

/** What retire_agent calls. */
export interface RetireAgentDeps {
  principal: string;
  factory: Pick<AgentFactory, "requireAgent">;
  allocations: Pick<AgentAllocations, "retire">;
}

export function registerRetireAgent(server: GuardedServer, deps: RetireAgentDeps): void {
  server.registerTool("retire_agent", {
    title: "Retire a generated agent",
    description: "Retire an agent made by generate_agent (or a run's agent) and release the resources it holds. Agents of a run are retired " +
      "automatically when the run ends, and generated agents after an idle timeout.",
    inputSchema: RetireAgentInput,
    outputSchema: z.object(RetireAgentOutput),
    annotations: annotationsFor("destructive"),
  }, async ({ agent_id }) => {
    await deps.factory.requireAgent(agent_id, deps.principal);
    const released = await deps.allocations.retire(agent_id);
    return {
      content: [{ type: "text" as const, text: `Retired ${agent_id}; released cpu ${released.cpu} and ${released.memory_mb} MB.` }],
      structuredContent: { agent_id, released },
    };
  });
}
