/**
 * A worker thread's module (piscina loads it): each export is one job of offline-work.ts, by name.
 */
export { builtinBranch, relevantPassages } from "./offline-work.js";
