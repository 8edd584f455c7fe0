/**
 * Listening for the abort of a run's signal from inside a node. Every branch of a superstep listens on the same
 * signal (LangGraph's, for the invocation), each until it ends: more listeners than Node's default of 10 are
 * expected there, not a leak, and must not print a MaxListenersExceededWarning to the server's stderr.
 */
import { setMaxListeners } from "node:events";

/** Calls `listener` once when `signal` aborts; returns what stops listening. */
export function listenForAbort(signal: AbortSignal, listener: () => void): () => void {
  setMaxListeners(0, signal);
  signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
}
