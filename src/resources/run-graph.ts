/**
 * The workflow graph as Mermaid, drawn by LangGraph from the compiled graph, with the nodes a run has
 * passed and the node it waits at marked by classes.
 */
import type { WorkflowGraph } from "../orchestration/graph.js";

export function runGraphMermaid(graph: WorkflowGraph, passed: string[], waiting: string[]): string {
  const base = graph.getGraph().drawMermaid().trimEnd();
  const lines = [base, "\tclassDef passed fill:#b7e4c7,stroke:#2d6a4f,stroke-width:2px;", "\tclassDef waiting fill:#ffe066,stroke:#e67700,stroke-width:3px;"];
  const done = passed.filter((n) => !waiting.includes(n));
  if (done.length) lines.push(`\tclass ${done.join(",")} passed;`);
  if (waiting.length) lines.push(`\tclass ${[...new Set(waiting)].join(",")} waiting;`);
  return lines.join("\n") + "\n";
}
