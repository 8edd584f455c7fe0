/**
 * The model-latency benchmark's "ours": the whole server in-process (from dist/) with executor model and
 * --model-concurrency 8, running N marked branches against the scripted provider; the provider-clock breakdown of
 * the run, the wave size its mode selection chose, and the gaps between waves split at its timeline events.
 */
import { parseStart } from "./conductor.js";
import { providerFor } from "./marked-provider.js";
import { openModelConductor } from "./model-conductor.js";
import { breakdown, type Breakdown } from "./provider-breakdown.js";
import { markedModelRequest } from "./requests.js";
import { allEvents, splitGaps, type GapSplit } from "./wave-gaps.js";

export const MODEL_CONCURRENCY = 8;

export interface OursResult extends Breakdown {
  waveSize: number;
  maxConcurrent: number;
  /** The gaps between waves split at the run's timeline events: median per gap and total, per segment (ms). */
  gapSplit: GapSplit;
}

/** One run of N = draws.length - 1 branches, served `draws`. */
export async function runOurs(draws: number[]): Promise<OursResult> {
  const n = draws.length - 1;
  const provider = await providerFor(draws);
  const ours = await openModelConductor({ model: "openai:gpt-test", baseUrl: `${provider.url}/v1`, concurrency: MODEL_CONCURRENCY });
  try {
    const cpu0 = process.cpuUsage();
    const { runId, startedAt, settledAt } = await ours.run(parseStart(markedModelRequest(n)));
    const cpu = process.cpuUsage(cpu0);
    const [mode] = await ours.conductor.context.timeline.page(runId, 0, 1, "mode_selected");
    const data = mode?.data as { wave_size?: number; max_concurrent?: number } | undefined;
    if (provider.calls !== n + 1) throw new Error(`ours made ${provider.calls} calls for ${n} branches and the report`);
    const gapSplit = splitGaps(provider, await allEvents(ours.conductor, runId));
    return { ...breakdown(provider, draws, startedAt, settledAt, (cpu.user + cpu.system) / 1000), waveSize: data?.wave_size ?? NaN, maxConcurrent: data?.max_concurrent ?? NaN, gapSplit };
  } finally {
    await ours.close();
    await provider.close();
  }
}
