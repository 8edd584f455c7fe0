/**
 * What a finished run keeps of its checkpoints on SQLite: rows and bytes (checkpoint rows with metadata, pending
 * writes, channel values, map entries) of a five-branch and a 50-branch builtin run's thread after it ended and was
 * pruned. Run: `npm run build && node --import tsx bench/kept-checkpoints.ts`.
 */
import Database from "better-sqlite3";
import { connect, call } from "../test/helpers/server.js";
import { fiveTaskRequest } from "../test/helpers/workflow.js";
const s = await connect({ args: ["--max-tasks", "500"] });
for (const n of [5, 50]) {
  const req = n === 5 ? fiveTaskRequest({ approvals: [], run_id: `r${n}` }) : { objective: "o", approvals: [], quality_threshold: 0, mode: "parallel", run_id: `r${n}`, tasks: Array.from({ length: n }, (_, i) => ({ type: "research", description: `edge revenue ${i}`, inputs: [{ name: `n${i}.md`, text: `Edge revenue grew ${i} percent in 2025.` }] })) };
  const st: any = await call(s.client, "start_workflow", { ...req, wait_seconds: 120 });
  const db = new Database(s.dbPath, { readonly: true });
  const q = (sql: string) => (db.prepare(sql).get(`r${n}`) as { b: number | null }).b ?? 0;
  const bytes = q("SELECT SUM(LENGTH(checkpoint)+LENGTH(metadata)) b FROM checkpoints WHERE thread_id=?") + q("SELECT SUM(LENGTH(value)) b FROM writes WHERE thread_id=?") + q("SELECT SUM(LENGTH(value)) b FROM conductor_checkpoint_blobs WHERE thread_id=?") + q("SELECT SUM(LENGTH(value)) b FROM conductor_checkpoint_entries WHERE thread_id=?");
  const count = q("SELECT COUNT(*) b FROM checkpoints WHERE thread_id=?");
  process.stdout.write(`${n} branches: ${st.status}, ${count} checkpoints kept, ${bytes} bytes\n`);
  db.close();
}
await s.close();
