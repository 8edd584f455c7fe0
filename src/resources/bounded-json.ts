/**
 * Resource bodies that stay well under what MCP clients accept (the SDK's stdio reader ends the connection past
 * 10 MiB): pretty JSON while it is small, compact JSON when that fits, and otherwise the value after each
 * `shrink` step in turn, with a `truncated` note that says what was left out and where to read it.
 */

/** The largest resource body sent, in bytes of UTF-8. */
export const RESPONSE_LIMIT_BYTES = 4 * 1024 * 1024;

export interface Shrink<T> {
  /** What the step leaves out, for the note. */
  note: string;
  apply(value: T): T;
}

export function boundedJson<T extends object>(value: T, shrinks: readonly Shrink<T>[], limit = RESPONSE_LIMIT_BYTES): string {
  const pretty = JSON.stringify(value, null, 2);
  if (Buffer.byteLength(pretty) <= limit) return pretty;
  let current = value;
  let text = JSON.stringify(current);
  const notes: string[] = [];
  for (const shrink of shrinks) {
    if (Buffer.byteLength(text) <= limit) break;
    current = shrink.apply(current);
    notes.push(shrink.note);
    text = JSON.stringify({ ...current, truncated: notes.join("; ") });
  }
  if (Buffer.byteLength(text) <= limit) return text;
  return JSON.stringify({ truncated: `the resource has ${Buffer.byteLength(text)} bytes even after: ${notes.join("; ")}; read it in parts with get_timeline and the tools` });
}
