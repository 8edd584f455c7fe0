/**
 * The run view (MCP Apps): one self-contained HTML resource, ui://orchestrator/run.html, that hosts with MCP
 * Apps show for start_workflow and approve_interrupt results. `npm run build` makes it (src/ui -> dist/ui/run.html);
 * it is read from disk on each resources/read. Hosts without MCP Apps ignore the tools' `_meta.ui` link.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { registerAppResource, RESOURCE_MIME_TYPE, RESOURCE_URI_META_KEY } from "@modelcontextprotocol/ext-apps/server";
import { PACKAGE_ROOT } from "../package-root.js";
import type { GuardedServer } from "../tools/error-boundary.js";

export const RUN_VIEW_URI = "ui://orchestrator/run.html";

/** The built view, whether this module runs from src/ (tsx), tsc's dist/ tree or the bundled dist/server.js. */
export const RUN_VIEW_FILE = path.join(PACKAGE_ROOT, "dist/ui/run.html");

/** `_meta` for a tool whose result the run view shows (the current key, and the older flat key for older hosts). */
export const RUN_VIEW_TOOL_META = { ui: { resourceUri: RUN_VIEW_URI }, [RESOURCE_URI_META_KEY]: RUN_VIEW_URI };

export function registerRunView(server: GuardedServer, file = RUN_VIEW_FILE): void {
  registerAppResource(server, "run_view", RUN_VIEW_URI, {
    title: "Workflow run view",
    description: "An interactive view of a run (MCP Apps): the graph with the run's path, branches, the pending decision " +
      "with Approve / Revise / Reject, the latest events, and the report with its source attribution",
    _meta: { ui: { prefersBorder: true } },
  }, async () => {
    let html: string;
    try {
      html = await fs.readFile(file, "utf8");
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "it is missing" : (err as Error).message;
      throw new Error(`the run view ${file} cannot be read (${reason}); build it with \`npm run build\``);
    }
    return { contents: [{ uri: RUN_VIEW_URI, mimeType: RESOURCE_MIME_TYPE, text: html, _meta: { ui: { prefersBorder: true } } }] };
  });
}
