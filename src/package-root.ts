/**
 * The package's root directory (where package.json is), found upwards from this module: the same answer from
 * src/ under tsx, from tsc's dist/ tree, and from the bundled dist/server.js, whose modules sit at other depths.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PACKAGE_ROOT: string = findRoot(path.dirname(fileURLToPath(import.meta.url)));
