import { test } from "node:test";
import path from "node:path";
import fs from "node:fs";
import os from "node:os";
import { openSqliteStorage } from "../../src/storage/sqlite-storage.js";
import { newOwner } from "../../src/storage/lease-owner.js";
import { checkUsageLedger } from "../helpers/usage-ledger-behaviour.js";

test("the SQLite usage ledger: atomic reservations against a budget from two connections, idempotent keys, bills", async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ledger-")), "c.db");
  const a = openSqliteStorage(file, { owner: newOwner(), leaseMs: 1000 });
  const b = openSqliteStorage(file, { owner: newOwner(), leaseMs: 1000 });
  try {
    await a.runs.create({ run_id: "r1", principal: "p", objective: "o", options: {}, executor: "model", inputs: [] });
    await checkUsageLedger(a, b, "r1");
  } finally {
    await a.close();
    await b.close();
  }
});
