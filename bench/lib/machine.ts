/**
 * The machine, the moment and the code a benchmark ran on.
 */
import { execFileSync } from "node:child_process";
import os from "node:os";

function git(...args: string[]): string {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}

export function describeMachine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? "unknown cpu";
  const gib = (os.totalmem() / 2 ** 30).toFixed(1);
  const commit = git("rev-parse", "--short", "HEAD") || "unknown";
  const changed = git("status", "--porcelain", "--", "src").split("\n").filter(Boolean).length;
  return [
    `machine: ${model}, ${cpus.length} cores (${os.availableParallelism()} available), ${gib} GiB memory, ${os.type()} ${os.release()} ${os.arch()}`,
    `node ${process.version}, date ${new Date().toISOString()}, code ${commit}${changed ? ` + ${changed} uncommitted file(s) in src/` : ""}`,
  ].join("\n");
}
