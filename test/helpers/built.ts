/**
 * Loads a module of the built server (dist/, which `npm test` builds first), typed by its source in src/. For code
 * that starts worker threads: those load dist/, since Node 20's workers do not inherit tsx's loader hooks.
 */
import fs from "node:fs";

export async function loadBuilt<T>(file: string): Promise<T> {
  const url = new URL(`../../dist/${file}`, import.meta.url);
  if (!fs.existsSync(url)) throw new Error(`dist/${file} is missing: run \`npm run build\` first (npm test does)`);
  return (await import(url.href)) as T;
}
