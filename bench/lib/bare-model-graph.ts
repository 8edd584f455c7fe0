/**
 * The model-latency benchmark's "bare": a LangGraph graph in the same process, one node fanning out N `Send`s to a
 * branch node that calls LangChain's `ChatOpenAI` with structured output, then a report node making one plain call,
 * invoked with `{ maxConcurrency: c }` against the same scripted provider and latency draws as the server.
 */
import { z } from "zod";
import { ChatOpenAI } from "@langchain/openai";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { Annotation, END, START, Send, StateGraph } from "@langchain/langgraph";
import { providerFor } from "./marked-provider.js";
import { MODEL_BENCH_KEY } from "./model-conductor.js";
import { breakdown, type Breakdown } from "./provider-breakdown.js";
import { markedTasks } from "./requests.js";

const AnswerSchema = z.object({
  findings: z.array(z.object({
    text: z.string().describe("one finding, a full sentence"),
    source: z.string().describe("the name of the source it comes from"),
  })).describe("the findings that answer the task, best first"),
  confidence: z.number().describe("how sure you are of the findings, from 0 to 1"),
});
type Answer = z.infer<typeof AnswerSchema>;

interface BareTask {
  id: string;
  prompt: string;
}

const BareState = Annotation.Root({
  tasks: Annotation<BareTask[]>({ reducer: (_old, next) => next, default: () => [] }),
  answers: Annotation<Record<string, Answer>>({ reducer: (old, next) => ({ ...old, ...next }), default: () => ({}) }),
  report_text: Annotation<string>({ reducer: (_old, next) => next, default: () => "" }),
});
type BareStateT = typeof BareState.State;

function bareGraph(baseURL: string) {
  const model = new ChatOpenAI({ model: "gpt-test", apiKey: MODEL_BENCH_KEY, configuration: { baseURL }, maxRetries: 0, maxTokens: 2000, temperature: 0.2 });
  const structured = model.withStructuredOutput(AnswerSchema);
  const system = new SystemMessage("You are a research specialist. Answer with findings from the sources.");
  return new StateGraph(BareState)
    .addNode("plan", (s: BareStateT) => ({ tasks: s.tasks }))
    .addNode("branch", async (input: BareStateT) => {
      const task = input as unknown as BareTask;
      const answer = await structured.invoke([system, new HumanMessage(task.prompt)]);
      return { answers: { [task.id]: answer } };
    })
    .addNode("report", async (s: BareStateT) => {
      const findings = Object.entries(s.answers).flatMap(([id, a]) => a.findings.map((f) => `- ${f.text} [source: ${f.source}; branch ${id}]`));
      const reply = await model.invoke([system, new HumanMessage(`Objective: edge accelerators\n\nMerged findings, best first:\n${findings.join("\n")}\n\nWrite the report.`)]);
      return { report_text: reply.text };
    })
    .addEdge(START, "plan")
    .addConditionalEdges("plan", (s: BareStateT) => s.tasks.map((t) => new Send("branch", t)), ["branch"])
    .addEdge("branch", "report")
    .addEdge("report", END)
    .compile();
}

/** One run of N = draws.length - 1 branches, served `draws`, at most `c` at a time. */
export async function runBare(draws: number[], c: number): Promise<Breakdown> {
  const n = draws.length - 1;
  const provider = await providerFor(draws);
  try {
    const graph = bareGraph(`${provider.url}/v1`);
    const tasks: BareTask[] = markedTasks(n).map((t, i) => {
      const input = (t.inputs as Array<{ name: string; text: string }>)[0]!;
      return {
        id: `t${i + 1}`,
        prompt: `Objective of the whole workflow: Edge accelerators\n\nYour task (research): ${String(t.description)}\n\nSources:\n<source name="${input.name}">\n${input.text}\n</source>`,
      };
    });
    const cpu0 = process.cpuUsage();
    const startedAt = performance.now();
    const out = await graph.invoke({ tasks }, { maxConcurrency: c, recursionLimit: 100 });
    const settledAt = performance.now();
    const cpu = process.cpuUsage(cpu0);
    if (Object.keys(out.answers).length !== n || !out.report_text) throw new Error("the bare graph did not answer every branch and the report");
    if (provider.calls !== n + 1) throw new Error(`bare made ${provider.calls} calls for ${n} branches and the report`);
    return breakdown(provider, draws, startedAt, settledAt, (cpu.user + cpu.system) / 1000);
  } finally {
    await provider.close();
  }
}
