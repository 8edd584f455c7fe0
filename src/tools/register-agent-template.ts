/**
 * register_agent_template: adds an agent template the factory can select, or a new version of one.
 */
import { z } from "zod";
import type { AgentFactory } from "../agents/factory.js";
import { CapabilitySchema, TemplateDefinitionSchema } from "../domain/agent-specification.js";
import { UserError } from "../errors.js";
import type { GuardedServer } from "./error-boundary.js";
import { annotationsFor } from "./tool-kind.js";

export const RegisterAgentTemplateInput = TemplateDefinitionSchema.extend({
  replace: z.boolean().default(false).describe("Register a new version of an existing (non built-in) template"),
});

export const RegisterAgentTemplateOutput = {
  agent_type: z.string(),
  version: z.number().int(),
  capabilities: z.array(CapabilitySchema),
  created: z.boolean().describe("false when an existing template got a new version"),
};

/** What register_agent_template calls. */
export interface RegisterAgentTemplateDeps {
  principal: string;
  factory: Pick<AgentFactory, "register">;
  /** The models a template may name (--models; none without a model configured). */
  allowedModels: readonly string[];
}

export function registerRegisterAgentTemplate(server: GuardedServer, deps: RegisterAgentTemplateDeps): void {
  server.registerTool("register_agent_template", {
    title: "Register an agent template",
    description:
      "Add an agent template to the factory: its capabilities, instructions, executor, resource needs and specialization defaults. " +
      "For every branch the factory picks the template that covers the needed capabilities with the best score (0.4 capability " +
      "match + 0.4 success rate + 0.2 resource efficiency), so a registered template is used whenever it scores best. Templates " +
      "persist across restarts; registering an existing agent_type needs replace: true and bumps its version. Built-in templates " +
      "cannot be replaced.",
    inputSchema: RegisterAgentTemplateInput,
    outputSchema: z.object(RegisterAgentTemplateOutput),
    annotations: annotationsFor("create"),
  }, async ({ replace, ...definition }) => {
    const allowed = deps.allowedModels;
    if (definition.model !== undefined && !allowed.includes(definition.model)) {
      throw new UserError(`model "${definition.model}" is not allowed on this server; ` +
        (allowed.length ? `allowed: ${allowed.join(", ")} (the operator lists them with --models)` : "it has no model configured (--model)"));
    }
    const out = await deps.factory.register(deps.principal, definition, replace);
    const text = `${out.created ? "Registered" : "Replaced"} agent template ${out.agent_type} (version ${out.version}) with capabilities ${out.capabilities.join(", ")}.`;
    return { content: [{ type: "text" as const, text }], structuredContent: out };
  });
}
