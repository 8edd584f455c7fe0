/**
 * The `--auth-tokens` file reloaded while serving: when it changes, and on SIGHUP. A valid new file replaces the
 * table at once (the next request is verified against it) and the tokens it takes away are reported to the
 * listeners, which close what those tokens opened; a malformed or unreadable one keeps the table in force and is
 * logged once, with the line at fault, until it changes again.
 *
 * Editors and `mv` replace the file's inode, so watching the file itself misses every change after the first:
 * the directory is watched (inotify and the like), filtered to the file's name, and the file is also polled
 * with stat() every few seconds for file systems where directory events do not come (network mounts, the
 * symlink swap of a Kubernetes secret volume). Bursts of events are debounced, and the text is compared with the
 * one in force, so a touch or an unrelated save costs one read. Nothing here keeps the process alive.
 */
import fs from "node:fs";
import path from "node:path";
import { SettingsError } from "../config.js";
import type { Logger } from "../log.js";
import { parseTokens, revokedTokens, type TokenTable } from "./auth-tokens.js";

/** The tokens in force, as the HTTP server sees them. */
export interface LiveTokens {
  current(): TokenTable;
  /** Calls `listener` after each reload that takes tokens away, with their digests; returns its removal. */
  onRevoked(listener: (revoked: ReadonlySet<string>) => void): () => void;
}

export interface TokenFileWatch extends LiveTokens {
  /** Re-reads the file now (what SIGHUP does): logs the outcome even when nothing changed. */
  reload(): Promise<void>;
  /** Stops watching, polling and listening for SIGHUP. */
  close(): void;
}

export interface TokenFileWatchOptions {
  /** Quiet time after the last event before the file is read (ms). */
  debounceMs?: number;
  /** stat() polling interval (ms), the fallback where directory events do not come. */
  pollMs?: number;
  /** Watch the directory for events (default true; false leaves the polling alone, for tests). */
  watchDirectory?: boolean;
  /** Reload on SIGHUP (default true). */
  sighup?: boolean;
}

const DEBOUNCE_MS = 50;
const POLL_MS = 2_000;

/** Starts watching `file`, whose text `initial.text` gave the table in force `initial.table`. */
export function watchTokenFile(
  file: string,
  initial: { table: TokenTable; text: string },
  log: Pick<Logger, "info" | "warning">,
  options: TokenFileWatchOptions = {},
): TokenFileWatch {
  const debounceMs = options.debounceMs ?? DEBOUNCE_MS;
  const pollMs = options.pollMs ?? POLL_MS;
  let table = initial.table;
  let textInForce = initial.text;
  /** The last problem logged, so a broken file is reported once, not at every event. */
  let lastProblem: string | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let queue = Promise.resolve();
  const listeners = new Set<(revoked: ReadonlySet<string>) => void>();

  const problem = (message: string, forced: boolean) => {
    if (!forced && message === lastProblem) return;
    lastProblem = message;
    log.warning(`${message}; keeping the ${describe(table)} in force (the file is reloaded once it is fixed)`);
  };

  const check = async (forced: boolean) => {
    let text: string;
    try {
      text = await fs.promises.readFile(file, "utf8");
    } catch (error) {
      return problem(`cannot read --auth-tokens file ${file}: ${(error as Error).message}`, forced);
    }
    if (closed) return;
    if (text === textInForce) {
      if (forced || lastProblem !== undefined) log.info(`${file} holds the tokens in force: ${describe(table)}`);
      lastProblem = undefined;
      return;
    }
    let next: TokenTable;
    try {
      next = parseTokens(text, file);
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      return problem(`not reloaded: ${error.message}`, forced);
    }
    const revoked = revokedTokens(table, next);
    const added = revokedTokens(next, table).size;
    table = next;
    textInForce = text;
    lastProblem = undefined;
    log.info(`reloaded ${file}: ${describe(next)} (${added} added, ${revoked.size} revoked)`);
    if (revoked.size === 0) return;
    for (const listener of listeners) {
      try {
        listener(revoked);
      } catch (error) {
        log.warning(`closing what the revoked tokens opened failed: ${(error as Error).message}`);
      }
    }
  };
  const run = (forced: boolean): Promise<void> => {
    // One read at a time, in order: a reload never races another.
    queue = queue.then(() => check(forced)).catch((error: unknown) => log.warning(`reloading ${file} failed: ${String(error)}`));
    return queue;
  };
  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void run(false);
    }, debounceMs);
    timer.unref();
  };

  const name = path.basename(file);
  let watcher: fs.FSWatcher | undefined;
  if (options.watchDirectory ?? true) {
    const dir = path.dirname(file);
    const stopWatching = (error: Error) => {
      log.warning(`cannot watch ${dir} for changes to ${name} (${error.message}); polling it every ${pollMs / 1000} s instead`);
      watcher?.close();
      watcher = undefined;
    };
    try {
      watcher = fs.watch(dir, { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name) schedule();
      });
      watcher.on("error", stopWatching);
    } catch (error) {
      stopWatching(error as Error);
    }
  }
  const polled = (now: fs.Stats, before: fs.Stats) => {
    if (now.ino !== before.ino || now.mtimeMs !== before.mtimeMs || now.ctimeMs !== before.ctimeMs || now.size !== before.size) schedule();
  };
  fs.watchFile(file, { persistent: false, interval: pollMs }, polled);
  const onSighup = () => {
    log.info(`SIGHUP: reloading ${file}`);
    void run(true);
  };
  if (options.sighup ?? true) process.on("SIGHUP", onSighup);
  // The file may have changed between its first read and the watch.
  schedule();

  return {
    current: () => table,
    onRevoked(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    reload: () => run(true),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher?.close();
      fs.unwatchFile(file, polled);
      process.off("SIGHUP", onSighup);
    },
  };
}

function describe(table: TokenTable): string {
  const tokens = table.digests.size;
  const principals = table.principals.size;
  return `${tokens} token${tokens === 1 ? "" : "s"} of ${principals} principal${principals === 1 ? "" : "s"}`;
}
