/**
 * Which executor a run uses (pure): `auto` is sampling where the client declared the capability, else
 * builtin where every task has inputs, else delegate. Asking for sampling from a client without it is an error.
 */
import { UserError } from "../../errors.js";
import type { RunExecutor } from "./types.js";

export function chooseExecutor(requested: "auto" | RunExecutor, clientSamples: boolean, everyTaskHasInputs: boolean): RunExecutor {
  if (requested === "sampling" && !clientSamples) {
    throw new UserError('executor "sampling" needs a client that declares the sampling capability, and this one does not; use "delegate" (you do the branch work) or "builtin"');
  }
  if (requested !== "auto") return requested;
  if (clientSamples) return "sampling";
  return everyTaskHasInputs ? "builtin" : "delegate";
}
