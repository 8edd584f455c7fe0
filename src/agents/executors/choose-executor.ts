/**
 * Which executor a run uses (pure): `auto` is model where the server has a model configured, else sampling where
 * the client declared the capability, else
 * builtin where every task has inputs, else delegate. Asking for sampling from a client without it is an error.
 */
import { UserError } from "../../errors.js";
import type { RunExecutor } from "./types.js";

export function chooseExecutor(requested: "auto" | RunExecutor, clientSamples: boolean, everyTaskHasInputs: boolean, modelConfigured = false): RunExecutor {
  if (requested === "model" && !modelConfigured) {
    throw new UserError('executor "model" needs a model configured on the server: start it with --model PROVIDER:MODEL (e.g. --model anthropic:claude-sonnet-4-5, with ANTHROPIC_API_KEY set), or use "builtin" or "delegate"');
  }
  if (requested === "sampling" && !clientSamples) {
    throw new UserError('executor "sampling" needs a client that declares the sampling capability, and this one does not; use "delegate" (you do the branch work) or "builtin"');
  }
  if (requested !== "auto") return requested;
  if (modelConfigured) return "model";
  if (clientSamples) return "sampling";
  return everyTaskHasInputs ? "builtin" : "delegate";
}
