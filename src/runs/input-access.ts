/**
 * Reading task inputs given by `path`: only regular files inside the allowed directories, after resolving
 * symlinks, and no larger than the configured limit. A path outside is an error, never a read.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.js";

export class InputAccess {
  private realDirs: Promise<string[]> | undefined;

  constructor(private readonly allowedDirs: string[], readonly maxBytes: number) {}

  /** Resolves and checks a path named by a task; returns the real path and size. Throws UserError. */
  async check(requested: string): Promise<{ path: string; bytes: number }> {
    const dirs = await this.allowedRealDirs();
    if (dirs.length === 0) {
      throw new UserError(`input path "${requested}" cannot be read: no directory is allowed; start the server with --allow-dir DIR, or pass the text inline as { name, text }`);
    }
    const absolute = path.resolve(dirs[0]!, requested);
    let real: string;
    try {
      real = await fs.realpath(absolute);
    } catch {
      throw new UserError(`input path "${requested}" does not exist (resolved to ${absolute})`);
    }
    if (!dirs.some((d) => real === d || real.startsWith(d + path.sep))) {
      throw new UserError(`input path "${requested}" is outside the allowed directories (${dirs.join(", ")}); allow its directory with --allow-dir`);
    }
    const stat = await fs.stat(real);
    if (!stat.isFile()) throw new UserError(`input path "${requested}" is not a regular file`);
    if (stat.size > this.maxBytes) {
      throw new UserError(`input path "${requested}" has ${stat.size} bytes, more than the limit of ${this.maxBytes} (--max-input-bytes)`);
    }
    return { path: real, bytes: stat.size };
  }

  /** Reads a file checked before; checks again, since it may have changed since the run started. */
  async read(requested: string, signal?: AbortSignal): Promise<string> {
    const { path: real } = await this.check(requested);
    return fs.readFile(real, { encoding: "utf8", signal });
  }

  private allowedRealDirs(): Promise<string[]> {
    this.realDirs ??= Promise.all(
      this.allowedDirs.map((d) => fs.realpath(d).catch(() => null)),
    ).then((dirs) => dirs.filter((d): d is string => d !== null));
    return this.realDirs;
  }
}
