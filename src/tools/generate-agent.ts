/**
 * generate_agent: selects and specializes an agent for task requirements, and (by default) creates it,
 * holding its resources until it is retired. A task of a run can then pin it with `agent_id`.
 */
import { z } from "zod";
import type { AgentAllocations } from "../agents/agent-allocations.js";
import type { AgentFactory } from "../agents/factory.js";
import { ResourceUnavailableError } from "../agents/resource-pool.js";
import { TaskRequirementsSchema } from "../domain/agent-specification.js";
import { UserError } from "../errors.js";
import type { GuardedServer } from "./error-boundary.js";
import { annotationsFor } from "./tool-kind.js";

export const GenerateAgentInput = z.object({
  task_requirements: TaskRequirementsSchema.describe("What the task needs; capabilities are inferred from the description when not given"),
  context: z.record(z.string(), z.unknown()).optional().describe("Kept with the agent's parameters as task_context"),
  instantiate: z.boolean().default(true).describe("Create the agent and take its resources from the pool; false only returns the specification"),
});

const CandidateShape = z.object({
  agent_type: z.string(), score: z.number(), capability_match: z.number(), performance_score: z.number(), resource_efficiency: z.number(),
});

export const GenerateAgentOutput = {
  specification: z.looseObject({
    agent_type: z.string(),
    capabilities: z.array(z.string()),
    resource_requirements: z.object({ cpu: z.number(), memory_mb: z.number() }),
    performance_targets: z.record(z.string(), z.number()),
    specialization_parameters: z.record(z.string(), z.unknown()),
    max_concurrent_tasks: z.number(),
    timeout_seconds: z.number(),
    retry_attempts: z.number(),
    quality_thresholds: z.record(z.string(), z.number()),
    monitoring_enabled: z.boolean(),
  }),
  agent_id: z.string().optional(),
  selection: z.object({ chosen: z.string(), needed: z.array(z.string()), candidates: z.array(CandidateShape) }),
};

/** What generate_agent calls. */
export interface GenerateAgentDeps {
  principal: string;
  factory: Pick<AgentFactory, "specify" | "listTemplates" | "newAgentId" | "record">;
  allocations: Pick<AgentAllocations, "hold">;
}

export function registerGenerateAgent(server: GuardedServer, deps: GenerateAgentDeps): void {
  const { factory, allocations, principal } = deps;
  server.registerTool("generate_agent", {
    title: "Generate a specialized agent",
    description:
      "Ask the agent factory for an agent: it works out the needed capabilities, picks the best covering template (every candidate's " +
      "score breakdown is returned), and specializes it with the requirements (research: domain, detail_level, sources, fact checking; " +
      "analysis: methodology, statistics, charts, confidence_level; synthesis: style, audience, length, citations). With instantiate " +
      "(default) the agent is created and holds its resources until retire_agent or an idle timeout; pin it to a task of " +
      "start_workflow with agent_id. Fails when no template covers the capabilities or the pool has no room.",
    inputSchema: GenerateAgentInput,
    outputSchema: z.object(GenerateAgentOutput),
    annotations: annotationsFor("create"),
  }, async ({ task_requirements, context, instantiate }) => {
    const generated = factory.specify(task_requirements, context ?? {}, await factory.listTemplates(principal));
    let agentId: string | undefined;
    if (instantiate) {
      agentId = factory.newAgentId(generated.specification.agent_type);
      try {
        allocations.hold(agentId, generated.specification.resource_requirements);
      } catch (error) {
        if (!(error instanceof ResourceUnavailableError)) throw error;
        throw new UserError(`no room in the resource pool for a ${generated.specification.agent_type} agent: ${error.message}; retire agents with retire_agent, or generate with instantiate: false`);
      }
      await factory.record([{ agent_id: agentId, generated, owner: { principal, run_id: null, task_id: null, standalone: true } }]);
    }
    const out = { specification: generated.specification, ...(agentId ? { agent_id: agentId } : {}), selection: generated.selection };
    const best = generated.selection.candidates.map((c) => `${c.agent_type} ${c.score}`).join(", ");
    const text = `${agentId ? `Generated agent ${agentId}` : "Specified an agent"} of type ${generated.specification.agent_type} for ${generated.selection.needed.join(", ")} (candidates: ${best}).`;
    return { content: [{ type: "text" as const, text }], structuredContent: out as unknown as Record<string, unknown> };
  });
}
