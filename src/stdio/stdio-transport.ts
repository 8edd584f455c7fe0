/**
 * MCP over stdio (newline-delimited JSON-RPC) with a message limit that holds: a message over it is answered
 * with a JSON-RPC error that names the limit (when its id can be found) and logged, and the connection goes on
 * serving. The SDK's StdioServerTransport closes the connection instead, and the server then exits silently.
 */
import process from "node:process";
import { parseJSONRPCMessage, type JSONRPCMessage, type Transport } from "@modelcontextprotocol/server";
import { LineReader, requestIdOf, type ReadItem } from "./line-reader.js";

export interface OversizeMessage {
  bytes: number;
  limit: number;
  id: string | number | undefined;
}

export interface StdioTransportOptions {
  /** The largest message read, in bytes (the same bound as an HTTP request body). */
  maxMessageBytes: number;
  /** Says why a message was refused (for the server's log); the error reply is sent either way. */
  onOversize?(message: OversizeMessage): void;
  /** The error text sent back for an oversize message. */
  describeLimit?(message: OversizeMessage): string;
  /** Sees every message read, before the server handles it. */
  observe?(message: JSONRPCMessage): void;
  /**
   * Awaited once before the first message that is not `server/discover` is handled (later messages wait behind it,
   * in order). A 2026-07-28 client first spawns a throwaway copy of the server for a version probe (server/discover,
   * then stdin closed): work the server would start for its client (resuming runs left running) starts here instead,
   * so that copy never starts it.
   */
  beforeFirstRequest?(): Promise<void>;
}

/** JSON-RPC's "invalid request" and "parse error" codes. */
const INVALID_REQUEST = -32600;
const PARSE_ERROR = -32700;

export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly reader: LineReader;
  private started = false;
  /** Set at the first message other than server/discover: what handling waits for (beforeFirstRequest). */
  private gate: Promise<void> | undefined;

  constructor(
    private readonly options: StdioTransportOptions,
    private readonly stdin: NodeJS.ReadableStream = process.stdin,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
  ) {
    this.reader = new LineReader(options.maxMessageBytes);
  }

  async start(): Promise<void> {
    if (this.started) throw new Error("StdioTransport already started");
    this.started = true;
    this.stdin.on("data", this.onData);
    this.stdin.on("error", this.onStreamError);
    this.stdout.on("error", this.onStdoutError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const line = `${JSON.stringify(message)}\n`;
    if (!this.stdout.write(line)) await new Promise<void>((resolve) => this.stdout.once("drain", () => resolve()));
  }

  async close(): Promise<void> {
    this.stdin.off("data", this.onData);
    this.stdin.off("error", this.onStreamError);
    if (this.stdin.listenerCount("data") === 0) this.stdin.pause();
    this.reader.clear();
    this.onclose?.();
  }

  private readonly onData = (chunk: Buffer | string) => {
    for (const item of this.reader.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk)) this.handle(item);
  };

  private readonly onStreamError = (error: Error) => this.onerror?.(error);

  /** The client stopped reading (EPIPE): reported and the connection closed, instead of an unhandled 'error' that ends the process. */
  private readonly onStdoutError = (error: Error) => {
    this.stdout.off("error", this.onStdoutError);
    this.stdout.on("error", () => {}); // later writes fail the same way
    this.onerror?.(error);
    void this.close();
  };

  private handle(item: ReadItem): void {
    if (item.kind === "oversize") {
      const oversize = { bytes: item.bytes, limit: this.options.maxMessageBytes, id: requestIdOf(item.head, item.tail) };
      this.options.onOversize?.(oversize);
      const text = this.options.describeLimit?.(oversize) ?? `message of ${oversize.bytes} bytes is larger than this server's limit of ${oversize.limit} bytes`;
      if (oversize.id !== undefined) this.reply(oversize.id, INVALID_REQUEST, text);
      return;
    }
    let message: JSONRPCMessage;
    try {
      message = parseJSONRPCMessage(JSON.parse(item.text));
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
      const id = requestIdOf(item.text.slice(0, 4096), item.text.slice(-4096));
      this.reply(id ?? null, PARSE_ERROR, `the message is not valid JSON-RPC: ${(error as Error).message.slice(0, 300)}`);
      return;
    }
    this.options.observe?.(message);
    this.deliver(message);
  }

  private deliver(message: JSONRPCMessage): void {
    if (!this.gate && this.options.beforeFirstRequest && !("method" in message && message.method === "server/discover")) {
      this.gate = this.options.beforeFirstRequest().catch((error: unknown) => this.onerror?.(error instanceof Error ? error : new Error(String(error))));
    }
    if (this.gate) this.gate = this.gate.then(() => this.handOver(message));
    else this.handOver(message);
  }

  private handOver(message: JSONRPCMessage): void {
    try {
      this.onmessage?.(message);
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private reply(id: string | number | null, code: number, message: string): void {
    void this.send({ jsonrpc: "2.0", id, error: { code, message } } as unknown as JSONRPCMessage).catch((error: unknown) => this.onerror?.(error as Error));
  }
}
