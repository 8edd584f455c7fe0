/** Every store's shared behaviour, for one backend's harness (see harness.ts). */
import type { OpenStores } from "./harness.js";
import { defineAgentStoreBehaviour } from "./agent-store.js";
import { defineBranchResultStoreBehaviour } from "./branch-result-store.js";
import { defineLeaseBehaviour } from "./leases.js";
import { defineRunDeletionBehaviour } from "./run-deletion.js";
import { defineRunStoreBehaviour } from "./run-store.js";
import { defineTemplateStoreBehaviour } from "./template-store.js";
import { defineTimelineStoreBehaviour } from "./timeline-store.js";
import { defineUsageLedgerBehaviour } from "./usage-ledger.js";

export function defineStoreBehaviour(open: OpenStores): void {
  defineRunStoreBehaviour(open);
  defineAgentStoreBehaviour(open);
  defineTemplateStoreBehaviour(open);
  defineTimelineStoreBehaviour(open);
  defineBranchResultStoreBehaviour(open);
  defineLeaseBehaviour(open);
  defineUsageLedgerBehaviour(open);
  defineRunDeletionBehaviour(open);
}
