/**
 * The dynamic agent factory: registers templates, analyses what a task needs, selects the best template
 * (selection.ts), specializes it (specialization.ts) and records the generated agent. Outcomes recorded
 * by the monitoring of agent runs feed the templates' success rates, so selection learns.
 */
import { randomUUID } from "node:crypto";
import { UserError } from "../errors.js";
import type { AgentRecord } from "../domain/agent-record.js";
import type { AgentStorage, NewAgent, TemplateStorage } from "../storage/storage.js";
import type { Outcome } from "../domain/agent-record.js";
import { BUILTIN_TEMPLATES, BUILTIN_TYPES } from "./builtin-templates.js";
import { analyzeCapabilities, estimateResources, performanceTargets, scaleResources } from "./capability-analysis.js";
import type { ResourcePool } from "./resource-pool.js";
import { selectTemplate } from "./selection.js";
import { specializationParameters } from "./specialization.js";
import type { AgentSpecification, AgentTemplate, Selection, TaskRequirements, TemplateDefinition } from "../domain/agent-specification.js";


export interface Generated {
  specification: AgentSpecification;
  selection: Selection;
}

export class AgentFactory {
  constructor(private readonly templates: TemplateStorage, private readonly agents: AgentStorage, private readonly pool: ResourcePool) {}

  /** Makes the built-in templates present and current; call once before use. */
  async init(): Promise<this> {
    await this.templates.ensureBuiltins(BUILTIN_TEMPLATES);
    return this;
  }

  /** The built-in templates and the principal's own. */
  async listTemplates(principal: string): Promise<AgentTemplate[]> {
    return this.templates.all(principal);
  }

  async history(principal: string, agentType: string) {
    return this.templates.history(principal, agentType);
  }

  async register(principal: string, definition: TemplateDefinition, replace: boolean): Promise<{ agent_type: string; version: number; capabilities: string[]; created: boolean }> {
    const type = definition.agent_type;
    if (BUILTIN_TYPES.has(type)) throw new UserError(`"${type}" is a built-in template and cannot be replaced; register your template under another agent_type`);
    const existing = await this.templates.find(principal, type);
    if (existing && !replace) throw new UserError(`agent template "${type}" exists already (version ${existing.version}); pass replace: true to register a new version`);
    const resources = { ...estimateResources(definition.capabilities), ...definition.resource_requirements };
    if (!this.pool.fits(resources)) {
      throw new UserError(`the template needs cpu ${resources.cpu} and ${resources.memory_mb} MB, more than the pool's whole capacity (cpu ${this.pool.capacity.cpu}, ${this.pool.capacity.memory_mb} MB)`);
    }
    const version = await this.templates.save(principal, { ...definition, resource_requirements: resources }, replace);
    return { agent_type: type, version, capabilities: definition.capabilities, created: existing === undefined };
  }

  /** Selects and specializes an agent for the requirements from `templates` (the principal's listTemplates), without creating it. */
  specify(req: TaskRequirements, context: Record<string, unknown>, templates: AgentTemplate[]): Generated {
    const needed = analyzeCapabilities(req);
    const selection = selectTemplate(templates, needed, this.pool.capacity);
    const template = templates.find((t) => t.agent_type === selection.chosen)!;
    const scaled = scaleResources(template.resource_requirements, req.detail_level);
    const targets = performanceTargets(req);
    const parameters = specializationParameters(template, req);
    if (Object.keys(context).length > 0) parameters.task_context = context;
    return {
      selection,
      specification: {
        agent_type: template.agent_type,
        capabilities: template.capabilities,
        // The template's declared needs, scaled by the detail asked for (and never beyond the pool).
        resource_requirements: { cpu: Math.min(scaled.cpu, this.pool.capacity.cpu), memory_mb: Math.min(scaled.memory_mb, this.pool.capacity.memory_mb) },
        performance_targets: targets,
        specialization_parameters: parameters,
        max_concurrent_tasks: template.max_concurrent_tasks,
        timeout_seconds: Math.min(template.timeout_seconds, targets.response_time_seconds),
        retry_attempts: template.retry_attempts,
        quality_thresholds: { minimum: Math.round(targets.quality * 0.75 * 1e4) / 1e4, target: targets.quality },
        monitoring_enabled: true,
        executor: template.executor,
        instructions: template.instructions,
        ...(template.model ? { model: template.model } : {}),
        template_version: template.version,
      },
    };
  }

  /** Records generated agents (idempotent per id: one recorded before keeps its first specification) and counts
   *  each creation on its template, atomically. Returns the stored records, in order. */
  async record(agents: Array<{ agent_id: string; generated: Generated; owner: Omit<NewAgent, "agent_id" | "agent_type" | "specification"> }>): Promise<AgentRecord[]> {
    return this.agents.record(agents.map((a) => ({ agent_id: a.agent_id, agent_type: a.generated.specification.agent_type, specification: a.generated.specification, ...a.owner })));
  }

  newAgentId(agentType: string): string {
    return `${agentType}-${randomUUID().slice(0, 8)}`;
  }

  /** An agent of the principal's; another's is the same error as an unknown one. */
  async requireAgent(agentId: string, principal: string): Promise<AgentRecord> {
    const agent = await this.agents.get(agentId);
    if (!agent || agent.principal !== principal) throw new UserError(`unknown agent_id "${agentId}"; see orchestrator://agents/active`);
    return agent;
  }

  /** A generated agent of the principal's a task may pin with `agent_id`: it must exist, be active and cover the capability. */
  async pinnable(agentId: string, capability: string, principal: string): Promise<AgentRecord> {
    const agent = await this.agents.get(agentId);
    if (!agent || agent.principal !== principal || agent.status !== "active" || !agent.standalone) {
      throw new UserError(`agent_id "${agentId}" is not an active generated agent; generate one with generate_agent, and see orchestrator://agents/active`);
    }
    if (!agent.specification.capabilities.includes(capability as never)) {
      throw new UserError(`agent "${agentId}" (${agent.agent_type}) lacks the capability "${capability}" its task needs; it has ${agent.specification.capabilities.join(", ")}`);
    }
    return agent;
  }

  /** Monitoring: records one agent run (once per run, branch and attempt). */
  async recordOutcome(outcome: Outcome): Promise<void> {
    await this.templates.recordOutcome(outcome);
  }
}
