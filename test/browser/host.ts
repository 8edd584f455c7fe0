/**
 * The test's chat host, run in the browser page: like a host with MCP Apps, it reads the tool's `_meta.ui`
 * resource from the server, embeds the view in a sandboxed iframe through ext-apps' AppBridge, sends it the
 * tool's input and result, and forwards the view's tool calls and resource reads to the MCP server. The MCP
 * traffic itself goes to the Node test process (functions the test exposes on window), which holds a real
 * SDK Client connected to the built server over stdio.
 */
import { AppBridge, getToolUiResourceUri, PostMessageTransport, RESOURCE_MIME_TYPE, type McpUiHostContext } from "@modelcontextprotocol/ext-apps/app-bridge";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { TestHost } from "./page-api.js";

const LIGHT: McpUiHostContext = {
  theme: "light", platform: "web", displayMode: "inline", locale: "en-US",
  containerDimensions: { maxWidth: 360, maxHeight: 6000 },
  styles: { variables: { "--color-background-primary": "#ffffff", "--color-text-primary": "#1f2328", "--font-sans": "system-ui, sans-serif" } as never },
};
const DARK: McpUiHostContext = {
  ...LIGHT, theme: "dark",
  styles: { variables: { "--color-background-primary": "#1b1b1f", "--color-text-primary": "#ececf1", "--font-sans": "system-ui, sans-serif" } as never },
};

const bridges: AppBridge[] = [];
const calls: string[] = [];

const host: TestHost = {
  /** What the view asked the server for, in order (tool names and resource URIs). */
  calls,

  /** Calls a tool as the assistant would and shows its view under it; returns the tool's result. */
  async showToolCall(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    const tool = (await window.mcpListTools()).find((t) => t.name === name);
    if (!tool) throw new Error(`no tool ${name}`);
    const uri = getToolUiResourceUri({ _meta: tool._meta });
    if (!uri) throw new Error(`${name} links no UI resource`);
    const resource = (await window.mcpReadResource({ uri })).contents[0];
    if (!resource || !("text" in resource) || resource.mimeType !== RESOURCE_MIME_TYPE) throw new Error(`${uri} is not an MCP App resource`);

    const turn = document.createElement("article");
    turn.className = "turn";
    turn.append(Object.assign(document.createElement("p"), { textContent: `assistant called ${name}` }));
    const iframe = document.createElement("iframe");
    iframe.id = `view-${bridges.length}`;
    iframe.title = `${name} view`;
    iframe.setAttribute("sandbox", "allow-scripts allow-forms");
    turn.append(iframe);
    document.getElementById("chat")!.append(turn);
    // Like a chat, show the newest turn: Chromium pauses animation frames (and so the view's size reports) in
    // cross-origin frames out of sight.
    turn.scrollIntoView({ block: "start" });

    const bridge = new AppBridge(null, { name: "conductor-test-host", version: "0.0.0" },
      { serverTools: {}, serverResources: {}, logging: {} }, { hostContext: LIGHT });
    bridge.oncalltool = async (params) => {
      calls.push(`tool:${params.name}`);
      return window.mcpCallTool(params);
    };
    bridge.onreadresource = async (params) => {
      calls.push(`resource:${params.uri}`);
      return window.mcpReadResource(params);
    };
    bridge.onsizechange = ({ height }) => {
      if (height !== undefined) iframe.style.height = `${Math.ceil(height)}px`;
    };
    const initialized = new Promise<void>((resolve) => { bridge.oninitialized = () => resolve(); });
    await bridge.connect(new PostMessageTransport(iframe.contentWindow!, iframe.contentWindow!));
    iframe.srcdoc = resource.text;
    await initialized;
    bridges.push(bridge);

    await bridge.sendToolInput({ arguments: args });
    const result = await window.mcpCallTool({ name, arguments: args });
    await bridge.sendToolResult(result);
    return result;
  },

  /** Switches every view to the host's light or dark theme. */
  setTheme(theme: "light" | "dark"): void {
    document.documentElement.dataset.theme = theme;
    for (const b of bridges) b.setHostContext(theme === "dark" ? DARK : LIGHT);
  },
};

window.host = host;
document.getElementById("ready")!.textContent = "host ready";
