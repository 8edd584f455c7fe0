/**
 * What generated agents hold from the resource pool. A standalone agent (generate_agent) holds its
 * resources from creation until it is retired (retire_agent, or idle too long). A run's agent holds
 * resources only while it works on a branch, and is retired when its run ends. Every allocation has a
 * release, called whatever happens, so the pool never leaks.
 */
import { EventEmitter, once } from "node:events";
import type { Logger } from "../log.js";
import type { AgentRecord } from "../domain/agent-record.js";
import type { AgentStorage } from "../storage/storage.js";
import { ResourceUnavailableError, type ResourcePool, type Resources } from "./resource-pool.js";
import { UserError } from "../errors.js";

export class AgentAllocations {
  /** Standalone agents' held allocations, by agent id. */
  private readonly held = new Map<string, { resources: Resources; release: () => void; busy: number }>();
  /** Resources agents hold right now while working, by agent id. */
  private readonly working = new Map<string, Resources>();
  private readonly slotFreed = new EventEmitter().setMaxListeners(0);

  constructor(private readonly agents: AgentStorage, readonly pool: ResourcePool, private readonly log: Logger) {}

  /**
   * Re-takes the resources of standalone agents still active from an earlier process. Those that no longer fit
   * are retired; with `shared` (a database other live processes use, whose pools hold their own agents) they are
   * left active and work from the pool like a run's agent instead.
   */
  async restore(shared = false): Promise<void> {
    for (const a of await this.agents.active()) {
      if (!a.standalone) continue;
      try {
        this.hold(a.agent_id, a.specification.resource_requirements);
      } catch (error) {
        if (shared) {
          this.log.info(`agent ${a.agent_id} does not fit this process's pool as well; it takes resources per branch here`);
          continue;
        }
        await this.agents.retire(a.agent_id);
        this.log.warning(`retired agent ${a.agent_id}: its resources no longer fit the pool (${(error as Error).message})`);
      }
    }
  }

  /** Takes a standalone agent's resources now; throws ResourceUnavailableError naming the free capacity. */
  hold(agentId: string, resources: Resources): void {
    const release = this.pool.allocate(resources);
    this.held.set(agentId, { resources, release, busy: 0 });
  }

  /**
   * Resources for one branch of an agent, until the returned release is called. A standalone agent works
   * within what it holds, at most `max_concurrent_tasks` branches at once; a run agent takes its
   * requirements from the pool, waiting (until `signal` aborts) while the pool is full.
   */
  async acquire(agent: AgentRecord, signal: AbortSignal): Promise<() => void> {
    if (agent.standalone) await this.agents.touch(agent.agent_id); // only standalone agents retire when idle
    const holding = this.held.get(agent.agent_id);
    if (holding) {
      while (holding.busy >= agent.specification.max_concurrent_tasks) {
        signal.throwIfAborted();
        await once(this.slotFreed, agent.agent_id, { signal });
      }
      holding.busy++;
      return once1(() => {
        holding.busy--;
        this.slotFreed.emit(agent.agent_id);
      });
    }
    const need = agent.specification.resource_requirements;
    const release = await this.pool.acquire(need, signal);
    this.adjustWorking(agent.agent_id, need, 1);
    return once1(() => {
      this.adjustWorking(agent.agent_id, need, -1);
      release();
    });
  }

  /** Retires an agent and gives back what it holds. Throws UserError for an unknown or retired agent. */
  async retire(agentId: string): Promise<Resources> {
    const agent = await this.agents.get(agentId);
    if (!agent) throw new UserError(`unknown agent_id "${agentId}"; see orchestrator://agents/active`);
    if (!(await this.agents.retire(agentId))) throw new UserError(`agent "${agentId}" is retired already`);
    const holding = this.held.get(agentId);
    this.held.delete(agentId);
    holding?.release();
    return holding?.resources ?? { cpu: 0, memory_mb: 0 };
  }

  /** Retires the agents of a run that has ended, in one statement. */
  async retireRun(runId: string): Promise<number> {
    const ids = await this.agents.retireRun(runId);
    for (const id of ids) {
      this.held.get(id)?.release();
      this.held.delete(id);
    }
    return ids.length;
  }

  /** Retires standalone agents unused for `seconds`; returns their ids. */
  async retireIdle(seconds: number, now = new Date()): Promise<string[]> {
    const ids = (await this.agents.idleSince(new Date(now.getTime() - seconds * 1000))).filter((id) => (this.held.get(id)?.busy ?? 0) === 0);
    for (const id of ids) await this.retire(id);
    return ids;
  }

  /** Releases what this process holds for standalone agents that are no longer active (retired through another
   *  process on the same database); returns their ids. */
  async releaseRetiredElsewhere(): Promise<string[]> {
    if (this.held.size === 0) return [];
    const active = new Set((await this.agents.active()).map((a) => a.agent_id));
    const gone = [...this.held.keys()].filter((id) => !active.has(id));
    for (const id of gone) {
      this.held.get(id)!.release();
      this.held.delete(id);
    }
    return gone;
  }

  /** What an agent holds right now. */
  allocationOf(agentId: string): Resources {
    return this.held.get(agentId)?.resources ?? this.working.get(agentId) ?? { cpu: 0, memory_mb: 0 };
  }

  private adjustWorking(agentId: string, need: Resources, sign: 1 | -1): void {
    const cur = this.working.get(agentId) ?? { cpu: 0, memory_mb: 0 };
    const next = { cpu: Math.round((cur.cpu + sign * need.cpu) * 1000) / 1000, memory_mb: cur.memory_mb + sign * need.memory_mb };
    if (next.cpu <= 0 && next.memory_mb <= 0) this.working.delete(agentId);
    else this.working.set(agentId, next);
  }
}

export { ResourceUnavailableError };

function once1(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
