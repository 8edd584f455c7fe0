/**
 * Newline-delimited messages out of a byte stream, in linear time and bounded memory. The SDK's ReadBuffer
 * concatenates every chunk onto what it holds (quadratic: a 15 MB message in 64 KB chunks copies about
 * 1.8 GB) and, past its 10 MiB limit, throws and ends the connection. Here a line is gathered as a list of
 * chunks and joined once; a line over the limit is skipped to its newline and reported as `oversize`, with its
 * first and last bytes kept so the caller can find the request's id and answer it.
 */

export type ReadItem =
  | { kind: "line"; text: string }
  | { kind: "oversize"; bytes: number; head: string; tail: string };

/** Bytes of an oversize line kept at each end (enough to hold the JSON-RPC id wherever the client put it). */
const EDGE_BYTES = 4096;

export class LineReader {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Set while skipping a line that went over the limit. */
  private skipping: { bytes: number; head: Buffer; tail: Buffer } | undefined;

  constructor(readonly maxLineBytes: number) {}

  /** Feeds a chunk; returns the lines (and oversize reports) it completed, in order. */
  push(chunk: Buffer): ReadItem[] {
    const items: ReadItem[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      this.take(chunk.subarray(start, end));
      if (newline === -1) break;
      items.push(this.finish());
      start = newline + 1;
    }
    return items.filter((item) => item.kind === "oversize" || item.text.trim() !== "");
  }

  /** Drops whatever partial line is held. */
  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.skipping = undefined;
  }

  private take(part: Buffer): void {
    if (part.length === 0) return;
    if (this.skipping === undefined && this.size + part.length > this.maxLineBytes) {
      const held = Buffer.concat([...this.chunks, part.subarray(0, EDGE_BYTES)]);
      this.skipping = { bytes: this.size, head: Buffer.from(held.subarray(0, EDGE_BYTES)), tail: Buffer.alloc(0) };
      this.chunks = [];
      this.size = 0;
    }
    if (this.skipping !== undefined) {
      this.skipping.bytes += part.length;
      const tail = Buffer.concat([this.skipping.tail, part.subarray(Math.max(0, part.length - EDGE_BYTES))]);
      this.skipping.tail = Buffer.from(tail.subarray(Math.max(0, tail.length - EDGE_BYTES)));
      return;
    }
    // Copied: the stream may reuse its chunk's memory.
    this.chunks.push(Buffer.from(part));
    this.size += part.length;
  }

  private finish(): ReadItem {
    const skipped = this.skipping;
    if (skipped !== undefined) {
      this.clear();
      return { kind: "oversize", bytes: skipped.bytes, head: skipped.head.toString("utf8"), tail: skipped.tail.toString("utf8").replace(/\r$/u, "") };
    }
    const text = Buffer.concat(this.chunks, this.size).toString("utf8").replace(/\r$/u, "");
    this.clear();
    return { kind: "line", text };
  }
}

/**
 * The id of a JSON-RPC request from the ends of a message too large to parse: SDK clients write
 * `{ method, params, jsonrpc, id }` (the id last), others `{ jsonrpc, id, method, ... }`. Undefined when neither
 * end shows one (then it is treated as a notification, which gets no answer).
 */
export function requestIdOf(head: string, tail: string): string | number | undefined {
  const last = /"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")\s*\}\s*$/u.exec(tail)?.[1];
  const first = /^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")/u.exec(head)?.[1];
  const raw = last ?? first;
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as string | number;
  } catch {
    return undefined;
  }
}
