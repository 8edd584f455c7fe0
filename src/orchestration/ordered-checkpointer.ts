/**
 * A checkpointer that stores a thread's writes and checkpoints only after what `before(threadId)` waits for:
 * the run's timeline events recorded so far (timeline-batcher.ts). A node records its events without waiting
 * for them, so no superstep waits on the timeline, and what made "recorded before the node's writes are
 * stored" true (the node waiting) is kept by the saver instead: a crash can lose a node's events only together
 * with its writes, and then the node runs again and records them again (same keys). LangGraph waits for every
 * put and putWrites before an invocation returns, so a settled run's timeline is complete.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";

/** What the saver waits for before storing a thread's writes; undefined when nothing is pending. */
export type WriteBarrier = (threadId: string) => Promise<void> | undefined;

/** Makes `saver`'s put and putWrites wait at `barrier` first (on this instance: its class, and other methods, stay). */
export function writeAfter(saver: BaseCheckpointSaver, barrier: WriteBarrier): BaseCheckpointSaver {
  const put = saver.put.bind(saver);
  const putWrites = saver.putWrites.bind(saver);
  const threadOf = (config: RunnableConfig) => String(config.configurable?.thread_id ?? "");
  saver.put = async (config, checkpoint, metadata, newVersions) => {
    await barrier(threadOf(config));
    return put(config, checkpoint, metadata, newVersions);
  };
  saver.putWrites = async (config, writes, taskId, taskPath) => {
    await barrier(threadOf(config));
    return putWrites(config, writes, taskId, taskPath);
  };
  return saver;
}
