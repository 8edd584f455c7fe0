/**
 * The MCP layer's one error boundary. Every tool handler, resource read (and a resource template's list and
 * completions), prompt and subscription of a session runs behind it:
 * - an error the caller can act on reaches the client as it is: a ConductorError (a UserError: bad input, an
 *   unknown id...) as the message of the tool's error result or of the request's error, as the SDK makes it;
 *   an McpError, the protocol's own, with its code;
 * - anything else is the server's failure (a bug, a corrupt row, a lost database): the client gets only
 *   `internal error <id>`, and stderr the error's stack under the same id.
 * Arguments that fail a tool's or prompt's schema never reach a handler: the SDK answers them as before.
 */
import { randomBytes } from "node:crypto";
import { ResourceTemplate, ProtocolError } from "@modelcontextprotocol/server";
import type { McpServer, CallToolResult } from "@modelcontextprotocol/server";
import { ConductorError } from "../errors.js";
import { withCachedJsonSchema } from "./json-schema-cache.js";
import { traceToolCall } from "./tool-call-span.js";
import type { Logger } from "../log.js";

/** The registrations of a session's MCP server, each handler put behind the boundary. */
export type GuardedServer = Pick<McpServer, "registerTool" | "registerResource" | "registerPrompt">;

type Handler = (...args: never[]) => unknown;

/** Whether the client may see the error's message: it says what was wrong and what to do. */
export function isCallerError(error: unknown): boolean {
  return error instanceof ConductorError || error instanceof ProtocolError;
}

export class ErrorBoundary {
  /** `log` gets internal errors' stacks; it must write to stderr only (MCP logging would send them to clients). */
  constructor(private readonly log: Logger) {}

  /** Records an internal error under a new id; returns what the client is told. */
  internal(where: string, error: unknown): string {
    const id = randomBytes(4).toString("hex");
    this.log.error(`internal error ${id} in ${where}`, error instanceof Error ? error : new Error(String(error)));
    return `internal error ${id}`;
  }

  /** A tool handler: an internal error becomes the tool error result `internal error <id>`. */
  tool<F extends Handler>(where: string, handler: F): F {
    return this.guard(where, handler, (message): CallToolResult => ({ content: [{ type: "text", text: message }], isError: true }));
  }

  /** A request handler (resource read, list or completion, prompt): an internal error becomes the request's error `internal error <id>`. */
  request<F extends Handler>(where: string, handler: F): F {
    return this.guard(where, handler, (message) => {
      throw new Error(message);
    });
  }

  private guard<F extends Handler>(where: string, handler: F, internal: (message: string) => unknown): F {
    const call = handler as unknown as (...args: unknown[]) => unknown;
    const guarded = async (...args: unknown[]) => {
      try {
        return await call(...args);
      } catch (error) {
        if (isCallerError(error)) throw error;
        return internal(this.internal(where, error));
      }
    };
    return guarded as unknown as F;
  }
}

/** `server`'s registrations with every handler behind `boundary`. Register a session's tools, resources and prompts only through it. */
export function guardServer(server: McpServer, boundary: ErrorBoundary): GuardedServer {
  const registerTool = (name: string, config: { inputSchema?: unknown; outputSchema?: unknown }, handler: Handler) =>
    server.registerTool(name, {
      ...config,
      ...(config.inputSchema ? { inputSchema: withCachedJsonSchema(config.inputSchema) } : {}),
      ...(config.outputSchema ? { outputSchema: withCachedJsonSchema(config.outputSchema) } : {}),
    } as never, traceToolCall(name, boundary.tool(`tools/call ${name}`, handler)) as never);
  const registerResource = (name: string, uri: string | ResourceTemplate, config: never, read: Handler) =>
    server.registerResource(name, (typeof uri === "string" ? uri : guardTemplate(name, uri, boundary)) as never, config, boundary.request(`resources/read ${name}`, read) as never);
  const registerPrompt = (name: string, config: never, handler: Handler) =>
    server.registerPrompt(name, config, boundary.request(`prompts/get ${name}`, handler) as never);
  return {
    registerTool: registerTool as unknown as McpServer["registerTool"],
    registerResource: registerResource as unknown as McpServer["registerResource"],
    registerPrompt: registerPrompt as unknown as McpServer["registerPrompt"],
  };
}

/** The same template with its list and completion callbacks behind the boundary. */
function guardTemplate(name: string, template: ResourceTemplate, boundary: ErrorBoundary): ResourceTemplate {
  const list = template.listCallback;
  const complete = Object.fromEntries(template.uriTemplate.variableNames.flatMap((variable) => {
    const callback = template.completeCallback(variable);
    return callback ? [[variable, boundary.request(`completion/complete ${name} ${variable}`, callback)]] : [];
  }));
  return new ResourceTemplate(template.uriTemplate, { list: list && boundary.request(`resources/list ${name}`, list), complete });
}
