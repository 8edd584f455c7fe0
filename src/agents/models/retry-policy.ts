/**
 * When a failed model call is tried again (pure): rate limits (429), server errors (5xx, 529 overloaded) and
 * dropped connections are; anything else (a bad request, a bad key, an answer of the wrong shape) is not. The
 * wait is exponential with full jitter, never shorter than the provider's Retry-After, and the caller bounds
 * the whole by the branch's deadline.
 */

export interface RetryDecision {
  retry: boolean;
  /** The provider's Retry-After, in ms, when it sent one. */
  retryAfterMs?: number;
  /** HTTP status, when the error had one. */
  status?: number;
}

const BASE_MS = 500;
const CAP_MS = 20_000;

/** How long to wait before try `attempt + 1` (attempt counts from 1): full jitter on 500 ms x 2^(attempt-1), capped at 20 s. */
export function backoffMs(attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Reads status and Retry-After off an error thrown by the provider SDKs (through LangChain, which keeps them). */
export function classifyError(error: unknown): RetryDecision {
  const e = error as { status?: unknown; headers?: unknown; code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  const status = typeof e?.status === "number" ? e.status : undefined;
  const retryAfterMs = retryAfter(e?.headers);
  if (status !== undefined) {
    const retry = status === 429 || status === 408 || status === 409 || status >= 500;
    return { retry, status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  const text = `${String(e?.name ?? "")} ${String(e?.code ?? "")} ${String(e?.message ?? "")}`;
  const dropped = /APIConnectionError|Connection error|ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|other side closed|terminated|fetch failed|UND_ERR/iu.test(text);
  return { retry: dropped };
}

/** `retry-after-ms`, or `retry-after` in seconds or as an HTTP date, from a Headers object or a plain record. */
export function retryAfter(headers: unknown, now = Date.now()): number | undefined {
  const get = (name: string): string | undefined => {
    if (headers === null || typeof headers !== "object") return undefined;
    if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === "string" ? value : undefined;
  };
  const ms = Number(get("retry-after-ms"));
  if (Number.isFinite(ms) && ms >= 0 && get("retry-after-ms") !== undefined) return ms;
  const raw = get("retry-after");
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
