/**
 * Bundles the server (src/server.ts) into dist/server-main.js, with its worker threads' module as
 * dist/worker-entry.js, the graph with its executors and libraries (loaded on first use) as dist/workflow-main.js, and
 * what else is loaded only on demand (PostgreSQL, HTTP, the model providers) in dist/chunks/;
 * dist/server.js turns source maps on and imports it, so a logged stack names src/ files and lines (about 50 ms of
 * start-up, for maps without their sources' text). Node 20 has no
 * compile cache, and resolving and reading the ~1,500 files of node_modules the server imports took about half
 * of its start-up; one file per entry is read and compiled in a fraction of that (bench/startup.ts measures it).
 *
 * tsc's output (dist/ tree, same paths as src/) stays: tests and benchmarks load its modules directly. The
 * bundle replaces only tsc's dist/server.js, so `node dist/server.js` is the same command as before.
 * Left out of the bundle: native addons (better-sqlite3, pg-native) and piscina, which starts its threads from
 * its own files.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { zodEnglishOnly } from "./zod-english-only.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

await fs.rm(path.join(root, "dist/chunks"), { recursive: true, force: true }); // chunks of an earlier build
const { metafile } = await build({
  absWorkingDir: root,
  metafile: true,
  // The graph's half (workflow-assembly.ts, imported on first use) is an entry of its own so that the worker pool in it
  // stays at dist/, next to the threads' module.
  entryPoints: { "server-main": "src/server.ts", "worker-entry": "src/agents/offthread/worker-entry.ts", "workflow-main": "src/workflow-assembly.ts" },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  sourcesContent: false,
  legalComments: "none",
  logLevel: "warning",
  external: ["better-sqlite3", "pg-native", "piscina"],
  plugins: [zodEnglishOnly],
  // Bundled CommonJS packages call require() for Node's own modules; an ES module has none of its own.
  banner: { js: 'import { createRequire as __conductorRequire } from "node:module"; const require = __conductorRequire(import.meta.url);' },
});

// Start-up must not load the graph's libraries (docs/architecture.md, "What loads when"): a static import of one of
// them from what src/server.ts loads eagerly would add about 60 ms to every host's start (npm run bench:startup).
const LOADED_ON_FIRST_USE = ["node_modules/@langchain/", "node_modules/langsmith/", "node_modules/@stdlib/", "node_modules/csv-parse/"];
const eager = new Map([["src/server.ts", undefined]]);
for (const file of eager.keys()) {
  for (const { path: imported, kind, external } of metafile.inputs[file]?.imports ?? []) {
    if (kind === "import-statement" && !external && !eager.has(imported)) eager.set(imported, file);
  }
}
for (const file of eager.keys()) {
  if (!LOADED_ON_FIRST_USE.some((prefix) => file.startsWith(prefix))) continue;
  const chain = [];
  for (let f = file; f; f = eager.get(f)) chain.unshift(f);
  throw new Error(`start-up would load ${file}: ${chain.filter((f) => f.startsWith("src/")).join(" -> ")} imports it statically; import it where it is used, on first use`);
}

// worker-pool.ts finds the threads' module next to itself: it must stay in an entry file at dist/, not a chunk.
for (const chunk of await fs.readdir(path.join(root, "dist/chunks"))) {
  if (chunk.endsWith(".js") && (await fs.readFile(path.join(root, "dist/chunks", chunk), "utf8")).includes('"./worker-entry.js"')) {
    throw new Error(`dist/chunks/${chunk} refers to ./worker-entry.js, which is at dist/: the worker pool must not be split into a chunk`);
  }
}
await fs.rm(path.join(root, "dist/server.js.map"), { force: true }); // tsc's map of the file the launcher replaces

// Modules loaded after this call have their maps read; the bundle is imported after it for that reason.
await fs.writeFile(path.join(root, "dist/server.js"), [
  "#!/usr/bin/env node",
  "// Written by scripts/bundle-server.mjs: the server's entry point (the bundle is dist/server-main.js).",
  "process.setSourceMapsEnabled(true);",
  'await import("./server-main.js");',
  "",
].join("\n"), { mode: 0o755 });
