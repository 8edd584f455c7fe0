/**
 * An AgentFactory on a fresh in-memory SQLite database (pool: cpu 2, 1024 MB), with the templates and requests
 * the factory's unit tests (test/unit/factory-*.test.ts) share.
 */
import assert from "node:assert/strict";
import { openDatabase } from "../../src/storage/database.js";
import { AgentStore } from "../../src/storage/agent-store.js";
import { TemplateStore } from "../../src/storage/template-store.js";
import { ResourcePool } from "../../src/agents/resource-pool.js";
import { AgentFactory, type Generated } from "../../src/agents/factory.js";
import { LOCAL_PRINCIPAL } from "../../src/sessions/client-sessions.js";
import { TemplateDefinitionSchema, type TaskRequirements, type TemplateDefinition } from "../../src/domain/agent-specification.js";

export async function setup() {
  const db = openDatabase(":memory:");
  const templates = new TemplateStore(db);
  const factory = await new AgentFactory(templates, new AgentStore(db), new ResourcePool({ cpu: 2, memory_mb: 1024 })).init();
  return { factory, templates };
}

export const def = (input: Record<string, unknown>): TemplateDefinition => TemplateDefinitionSchema.parse({
  description: "A template", instructions: "Do the work.", capabilities: ["research"], ...input,
});
// efficiency 1 - (0.125/2 + 64/1024)/2 = 0.9375, vs research_specialist 1 - (0.25/2 + 128/1024)/2 = 0.875
export const LIGHT = def({ agent_type: "light_researcher", resource_requirements: { cpu: 0.125, memory_mb: 64 } });
export const L = LOCAL_PRINCIPAL;
/** specify from the templates the principal sees, as the tools and runs call it. */
export const specify = async (factory: AgentFactory, req: TaskRequirements, context: Record<string, unknown> = {}, principal = L) =>
  factory.specify(req, context, await factory.listTemplates(principal));
export type Owner = { principal: string; run_id: string | null; task_id: string | null; standalone: boolean };
/** Records one generated agent, as factory.record([...]) does for each. */
export const recordOne = async (factory: AgentFactory, agent_id: string, generated: Generated, owner: Owner) => {
  const records = await factory.record([{ agent_id, generated, owner }]);
  assert.equal(records.length, 1);
  return records[0]!;
};
export const RESEARCH = { task_description: "Find the market size", capabilities_needed: ["research" as const] };
