/**
 * Builds the run view: bundles src/ui/main.ts (with the ext-apps App and what it imports) into one script,
 * minifies src/ui/styles.css, and inlines both into src/ui/run.html, written to dist/ui/run.html. The file
 * needs nothing from the network at run time.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, transform } from "esbuild";
import { zodEnglishOnly } from "../../scripts/zod-english-only.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const outFile = path.resolve(here, "../../dist/ui/run.html");

const bundle = await build({
  entryPoints: [path.join(here, "main.ts")],
  bundle: true,
  write: false,
  format: "iife",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "none",
  charset: "utf8",
  define: { "process.env.NODE_ENV": '"production"' },
  plugins: [zodEnglishOnly],
});
const css = await transform(await fs.readFile(path.join(here, "styles.css"), "utf8"), { loader: "css", minify: true });
const template = await fs.readFile(path.join(here, "run.html"), "utf8");

// An inline script must not contain "</script" (it would close the element); in JS source "<\/" means the same.
const script = bundle.outputFiles[0].text.replace(/<\/(script)/gi, "<\\/$1");
const style = css.code.replace(/<\/(style)/gi, "<\\/$1");
const html = template
  .replace("<!-- STYLE -->", () => `<style>${style}</style>`)
  .replace("<!-- SCRIPT -->", () => `<script>${script}</script>`);

await fs.mkdir(path.dirname(outFile), { recursive: true });
await fs.writeFile(outFile, html);
process.stdout.write(`run view: ${path.relative(process.cwd(), outFile)} (${Buffer.byteLength(html)} bytes)\n`);
