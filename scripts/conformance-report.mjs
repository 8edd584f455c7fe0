#!/usr/bin/env node
// Tabulates a conformance results directory (the --output-dir of `conformance server`, one
// server-<scenario>-<timestamp>/checks.json per scenario) as Markdown: one row per check, then the counts.
//
//   node scripts/conformance-report.mjs RESULTS_DIR [--counts]
//
// --counts prints only the counts line. The suite's own "Total: N passed, M failed" counts SUCCESS and FAILURE
// checks only; this also counts WARNING (a SHOULD not met), INFO and SKIPPED, so the numbers can be compared.
// Plain Node, no dependencies: it runs on the project's Node 20 as well as on the suite's Node 22.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [dir, flag] = process.argv.slice(2);
if (!dir || !existsSync(dir)) {
  console.error("usage: node scripts/conformance-report.mjs RESULTS_DIR [--counts]");
  process.exit(2);
}

const rows = [];
for (const entry of readdirSync(dir).sort()) {
  const file = join(dir, entry, "checks.json");
  if (!existsSync(file)) continue;
  const scenario = entry.replace(/^server-/, "").replace(/-\d{4}-\d\d-\d\dT[\d-]+Z$/, "");
  let checks;
  try {
    checks = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    rows.push({ scenario, id: "(checks.json)", status: "UNREADABLE", message: String(error) });
    continue;
  }
  for (const c of checks) rows.push({ scenario, id: c.id, status: c.status, message: c.errorMessage ?? "" });
}

const counts = {};
for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
const scenarios = new Map();
for (const r of rows) {
  const s = scenarios.get(r.scenario) ?? { failed: false };
  if (r.status === "FAILURE" || r.status === "UNREADABLE") s.failed = true;
  scenarios.set(r.scenario, s);
}
const scenariosPassed = [...scenarios.values()].filter((s) => !s.failed).length;
const countsLine =
  `${rows.length} checks: ` +
  ["SUCCESS", "FAILURE", "WARNING", "INFO", "SKIPPED", "UNREADABLE"].filter((k) => counts[k]).map((k) => `${counts[k]} ${k}`).join(", ") +
  `; ${scenariosPassed} of ${scenarios.size} scenarios without a FAILURE`;

if (flag === "--counts") {
  console.log(countsLine);
} else {
  const cell = (s) => String(s).replace(/\s+/g, " ").replace(/\|/g, "\\|").slice(0, 300);
  console.log("| scenario | check | result | message |");
  console.log("| --- | --- | --- | --- |");
  for (const r of rows) console.log(`| ${r.scenario} | ${cell(r.id)} | ${r.status} | ${cell(r.message)} |`);
  console.log("");
  console.log(countsLine);
}
