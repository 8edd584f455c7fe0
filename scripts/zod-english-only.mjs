/**
 * An esbuild plugin for the bundles of the server (scripts/bundle-server.mjs) and the run view (src/ui/build.mjs):
 * zod re-exports all of its ~50 message locales, and both speak English only, so its locale index is replaced by
 * one that has `en` alone (about 260 kB less to load and compile).
 */
import path from "node:path";

export const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: path.join(path.dirname(args.importer), args.path), namespace: "zod-locales" } : undefined);
    b.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(path.join(path.dirname(args.path), "en.js"))};`,
      resolveDir: path.dirname(args.path),
    }));
  },
};
