/** The usage ledger's shared behaviour (../usage-ledger-behaviour.ts) as a test, on a harness's two storages. */
import { describe, test } from "node:test";
import { checkUsageLedger } from "../usage-ledger-behaviour.js";
import { newRun, withStores, type OpenStores } from "./harness.js";

export function defineUsageLedgerBehaviour(open: OpenStores): void {
  describe("usage ledger", () => {
    test("atomic reservations against a budget from two processes, idempotent keys, bills", () => withStores(open, async ({ a, b }) => {
      await a.runs.create(newRun("run-ledger"));
      await checkUsageLedger(a, b, "run-ledger");
    }));
  });
}
