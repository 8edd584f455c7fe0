/** Who holds a run's lease: one server process, named so that a process of the same host can tell it is gone. */
import os from "node:os";
import { randomUUID } from "node:crypto";

export interface LeaseOwner {
  /** `host:pid:random`, unique per process lifetime. */
  id: string;
  host: string;
  pid: number;
}

export function newOwner(): LeaseOwner {
  const host = os.hostname();
  return { id: `${host}:${process.pid}:${randomUUID().slice(0, 8)}`, host, pid: process.pid };
}

/** True when an owner id names a process of this host that is gone (so its leases can be taken at once). */
export function isDeadLocalOwner(ownerId: string, host = os.hostname()): boolean {
  const [ownerHost, pidText] = ownerId.split(":");
  const pid = Number(pidText);
  if (ownerHost !== host || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
