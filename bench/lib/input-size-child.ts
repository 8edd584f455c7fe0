/**
 * The input-size benchmark's measuring child process, from the parent's side: forked on demand (the benchmark's
 * own script with `--child`, which runs bench/lib/input-size-worker.ts), one request at a time, each with a
 * watchdog that kills the child when it has not answered in time (the next request starts a fresh one).
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Reply, Request } from "./input-size-protocol.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export class MeasuringChild {
  private proc: ChildProcess | undefined;
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;
  /** `${kind}:${bytes}` of the text the child holds, and its length. */
  loaded: string | undefined;
  loadedChars = 0;

  /** `script`: the file forked with `--child` (bench/input-size.ts). */
  constructor(private readonly script: string) {}

  private start(): ChildProcess {
    const proc = fork(this.script, ["--child"], {
      cwd: ROOT,
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    proc.on("message", (message) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.resolve(message as Reply);
    });
    proc.on("exit", (code, signal) => {
      if (this.proc === proc) {
        this.proc = undefined;
        this.loaded = undefined;
      }
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(new Error(`the measuring process exited (${code ?? signal})`));
    });
    return proc;
  }

  /** The child's reply, or "timeout" once `timeoutMs` passed (the child is then killed, and restarted on the next request). */
  request(req: Request, timeoutMs: number): Promise<Reply | "timeout"> {
    const proc = (this.proc ??= this.start());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        void this.kill().then(() => resolve("timeout"));
      }, timeoutMs);
      this.waiting = {
        resolve: (r) => { clearTimeout(timer); resolve(r); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      proc.send(req);
    });
  }

  async kill(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    this.loaded = undefined;
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once("exit", () => resolve());
      p.kill("SIGKILL");
    });
  }
}
