/**
 * Runs a benchmark worker (a bench/*.ts file) in a fresh Node process, so that its peak RSS is its own,
 * and returns the JSON object it prints as its last line of stdout. Its stderr passes through.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function runWorker<T>(file: string, args: string[], opts: { nodeFlags?: string[]; timeoutSeconds?: number } = {}): Promise<T> {
  const timeoutSeconds = opts.timeoutSeconds ?? 280;
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), "--import", "tsx", path.join(BENCH, file), ...args], {
      cwd: path.dirname(BENCH), stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutSeconds * 1000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) return reject(new Error(`${file} ${args.join(" ")} exited ${code ?? signal}${signal === "SIGKILL" ? ` (over ${timeoutSeconds} s)` : ""}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${file} printed no JSON result: ${last.slice(0, 200)}`));
      }
    });
  });
}
