/** Every store's shared behaviour, for one backend's harness (see harness.ts). */
import type { OpenStores } from "./harness.js";
import { defineAgentStoreBehaviour } from "./agent-store.js";
import { defineRunStoreBehaviour } from "./run-store.js";
import { defineTemplateStoreBehaviour } from "./template-store.js";
import { defineTimelineStoreBehaviour } from "./timeline-store.js";

export function defineStoreBehaviour(open: OpenStores): void {
  defineRunStoreBehaviour(open);
  defineAgentStoreBehaviour(open);
  defineTemplateStoreBehaviour(open);
  defineTimelineStoreBehaviour(open);
}
