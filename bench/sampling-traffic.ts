/**
 * What a five-branch sampling run sends to and receives from the client: a real client that declares
 * sampling answers every createMessage with a fixed JSON answer; this prints the message count, the
 * tokens requested (sum of maxTokens), and the characters of prompts and replies.
 *
 *   npm run build && node --import tsx bench/sampling-traffic.ts
 */
import { call } from "../test/helpers/server.js";
import { answer, connectSampling } from "../test/helpers/sampling-client.js";
import { fiveTaskRequest } from "../test/helpers/workflow.js";

/** Quotes the first sentence of the branch's first source, citing it: an answer the evidence check can verify. */
const s = await connectSampling(({ branch_id, user }) => {
  if (branch_id === null) return "# Report\n\nA scripted synthesis.";
  const source = /<source name="([^"]+)">\n(?:#[^\n]*\n+)?([^\n]+)/.exec(user);
  return answer([[source?.[2] ?? "no source", source?.[1] ?? "none"]], 0.9);
});
try {
  const t0 = performance.now();
  const done = await call<{ status: string; executor: string }>(s.client, "start_workflow", fiveTaskRequest({ approvals: [] }));
  const ms = performance.now() - t0;
  const st = s.stats;
  process.stdout.write(`five-branch run, executor ${done.executor}, ${done.status} in ${ms.toFixed(0)} ms\n`);
  process.stdout.write(`sampling/createMessage requests: ${st.requests} (branches ${st.requests - (st.perBranch.report ?? 0)}, report ${st.perBranch.report ?? 0}); replies: ${st.responses}\n`);
  process.stdout.write(`tokens requested (sum of maxTokens): ${st.maxTokensRequested}; prompt characters sent: ${st.promptChars}; reply characters received: ${st.responseChars}\n`);
} finally {
  await s.close();
}
