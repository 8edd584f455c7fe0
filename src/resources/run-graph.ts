/**
 * The workflow graph as Mermaid (drawn by LangGraph from the compiled graph: RunQueries.path), with the nodes
 * a run has passed and the nodes it waits at marked by classes.
 */
import type { RunPath } from "../runs/run-queries.js";

export function runGraphMermaid({ mermaid, passed, waiting }: RunPath): string {
  const lines = [mermaid.trimEnd(), "\tclassDef passed fill:#b7e4c7,stroke:#2d6a4f,stroke-width:2px;", "\tclassDef waiting fill:#ffe066,stroke:#e67700,stroke-width:3px;"];
  const done = passed.filter((n) => !waiting.includes(n));
  if (done.length) lines.push(`\tclass ${done.join(",")} passed;`);
  if (waiting.length) lines.push(`\tclass ${[...new Set(waiting)].join(",")} waiting;`);
  return lines.join("\n") + "\n";
}
