/**
 * The token file's parsing and the table's diff (auth-tokens.ts), and its watcher (token-file-watch.ts) in this
 * process: a file replaced by rename, edited in place, polled where directory events do not come, broken and
 * fixed, and reloaded on demand. None of it may write a token into a message.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { SettingsError } from "../../src/config.js";
import { parseTokens, revokedTokens, tokenDigest, tokenVerifier } from "../../src/http/auth-tokens.js";
import { watchTokenFile, type TokenFileWatch, type TokenFileWatchOptions } from "../../src/http/token-file-watch.js";

const A1 = "alice-first-token-0123456789";
const A2 = "alice-second-token-012345678";
const B1 = "bob-first-token-0123456789ab";
const C1 = "carol-first-token-0123456789";

describe("parseTokens", () => {
  test("maps each token to its principal; comments and blank lines are skipped", () => {
    const table = parseTokens(`# comment\n\n${A1} alice\n  ${A2}\talice  \r\n${B1} bob\n`);
    assert.equal(table.principalOf(A1), "alice");
    assert.equal(table.principalOf(A2), "alice");
    assert.equal(table.principalOf(B1), "bob");
    assert.equal(table.principalOf(C1), undefined);
    assert.deepEqual([...table.principals].sort(), ["alice", "bob"]);
    assert.deepEqual(new Map(table.digests), new Map([[tokenDigest(A1), "alice"], [tokenDigest(A2), "alice"], [tokenDigest(B1), "bob"]]));
  });

  test("a malformed line is named by number, and the message quotes none of it", () => {
    const cases: Array<[string, RegExp]> = [
      [`${A1} alice\n${B1}\n`, /f, line 2: expected "TOKEN PRINCIPAL"/],
      [`${A1} alice extra\n`, /f, line 1: expected/],
      [`short alice\n`, /f, line 1: a token must have at least 16 characters/],
      [`${A1} ${B1}/with=slash\n`, /f, line 1: a principal may only use/],
      [`${A1} alice\n${A1} bob\n`, /f, line 2: the token is listed twice/],
      [`# nothing\n`, /f lists no tokens/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseTokens(text, "f"), (error: unknown) => {
        assert.ok(error instanceof SettingsError);
        assert.match(error.message, message);
        for (const token of [A1, B1]) assert.ok(!error.message.includes(token), `"${error.message}" quotes a token`);
        return true;
      });
    }
  });

  test("revokedTokens: the tokens no longer listed, and those given to another principal", () => {
    const before = parseTokens(`${A1} alice\n${A2} alice\n${B1} bob\n`);
    const after = parseTokens(`${A2} alice\n${B1} alice\n${C1} carol\n`);
    assert.deepEqual(revokedTokens(before, after), new Set([tokenDigest(A1), tokenDigest(B1)]));
    assert.deepEqual(revokedTokens(before, before), new Set());
    assert.deepEqual(revokedTokens(after, before), new Set([tokenDigest(C1), tokenDigest(B1)]));
  });

  test("the verifier checks against the table in force at each call, and names the token by its digest", async () => {
    let table = parseTokens(`${A1} alice\n`);
    const verifier = tokenVerifier(() => table);
    const auth = await verifier.verifyAccessToken(A1);
    assert.equal(auth.clientId, "alice");
    assert.equal(auth.extra?.tokenDigest, tokenDigest(A1));
    table = parseTokens(`${A2} alice\n`);
    await assert.rejects(verifier.verifyAccessToken(A1), /unknown bearer token/);
    assert.equal((await verifier.verifyAccessToken(A2)).clientId, "alice");
  });
});

describe("watchTokenFile", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conductor-tokens-"));
  const watches: TokenFileWatch[] = [];
  after(() => {
    watches.forEach((w) => w.close());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A watched file of `text`, with the log lines and the revocations it reports. */
  function watched(name: string, text: string, options: TokenFileWatchOptions = {}) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    const lines: string[] = [];
    const revocations: Array<ReadonlySet<string>> = [];
    let wake = () => {};
    const note = (line: string) => { lines.push(line); wake(); };
    const watch = watchTokenFile(file, { table: parseTokens(text, file), text }, {
      info: (m) => note(`info ${m}`), warning: (m) => note(`warning ${m}`),
    }, { sighup: false, debounceMs: 20, ...options });
    watch.onRevoked((revoked) => revocations.push(revoked));
    watches.push(watch);
    /** Resolves when a line logged from now on matches `pattern` (within 5 s). */
    const logged = (pattern: RegExp) => new Promise<string>((resolve, reject) => {
      const from = lines.length;
      const timeout = setTimeout(() => reject(new Error(`no log line matched ${pattern}: ${JSON.stringify(lines)}`)), 5_000);
      wake = () => {
        const line = lines.slice(from).find((l) => pattern.test(l));
        if (line) { clearTimeout(timeout); resolve(line); }
      };
      wake();
    });
    const replace = (content: string) => {
      fs.writeFileSync(`${file}.new`, content);
      fs.renameSync(`${file}.new`, file);
    };
    return { file, watch, lines, revocations, logged, replace };
  }

  const noTokenIn = (lines: string[]) => {
    for (const line of lines) for (const token of [A1, A2, B1, C1]) assert.ok(!line.includes(token), `a log line holds a token: ${line}`);
  };

  test("a file renamed over the old one is reloaded, every time; revoked tokens are reported", async () => {
    const w = watched("renamed.txt", `${A1} alice\n${B1} bob\n`);
    w.replace(`${A2} alice\n${B1} bob\n`);
    assert.match(await w.logged(/reloaded .*renamed\.txt: 2 tokens of 2 principals \(1 added, 1 revoked\)/), /^info /);
    assert.equal(w.watch.current().principalOf(A1), undefined);
    assert.equal(w.watch.current().principalOf(A2), "alice");
    assert.deepEqual(w.revocations, [new Set([tokenDigest(A1)])]);
    // The inode changed: a watch on the file alone would miss this second change.
    w.replace(`${A2} alice\n${C1} carol\n`);
    await w.logged(/reloaded .*: 2 tokens of 2 principals \(1 added, 1 revoked\)/);
    assert.equal(w.watch.current().principalOf(C1), "carol");
    assert.equal(w.revocations.length, 2);
    noTokenIn(w.lines);
  });

  test("a malformed file keeps the tokens in force and is reported once with its line; fixed, it is reloaded", async () => {
    const w = watched("broken.txt", `${A1} alice\n`);
    w.replace(`${A2} alice\n${B1}\n`);
    const warning = await w.logged(/^warning /);
    assert.match(warning, /not reloaded: .*broken\.txt, line 2: expected "TOKEN PRINCIPAL"; keeping the 1 token of 1 principal in force/);
    assert.equal(w.watch.current().principalOf(A1), "alice");
    fs.appendFileSync(w.file, "# still broken\n");
    await w.watch.reload(); // a forced reload reports the problem again...
    assert.equal(w.lines.filter((l) => l.startsWith("warning")).length, 2);
    fs.appendFileSync(w.file, "# and again\n");
    fs.appendFileSync(w.file, "# and again\n");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(w.lines.filter((l) => l.startsWith("warning")).length, 2, "...an event on a file broken the same way does not");
    w.replace(`${A2} alice\n`);
    await w.logged(/reloaded .*broken\.txt: 1 token of 1 principal \(1 added, 1 revoked\)/);
    assert.equal(w.watch.current().principalOf(A2), "alice");
    noTokenIn(w.lines);
  });

  test("an unreadable file keeps the tokens in force", async () => {
    const w = watched("gone.txt", `${A1} alice\n`);
    fs.rmSync(w.file);
    await w.logged(/^warning cannot read --auth-tokens file .*gone\.txt: ENOENT/);
    assert.equal(w.watch.current().principalOf(A1), "alice");
    fs.writeFileSync(w.file, `${A1} alice\n`);
    await w.logged(/gone\.txt holds the tokens in force: 1 token of 1 principal/);
    assert.deepEqual(w.revocations, []);
  });

  test("an edit in place, and where no directory events come, the stat() polling", async () => {
    const w = watched("polled.txt", `${A1} alice\n`, { watchDirectory: false, pollMs: 100 });
    fs.writeFileSync(w.file, `${B1} bob\n`);
    await w.logged(/reloaded .*polled\.txt: 1 token of 1 principal \(1 added, 1 revoked\)/);
    assert.equal(w.watch.current().principalOf(B1), "bob");
    // Polled, a rename is seen too (stat follows the path to the new inode).
    w.replace(`${C1} carol\n`);
    await w.logged(/reloaded .*polled\.txt: 1 token of 1 principal \(1 added, 1 revoked\)/);
    assert.equal(w.watch.current().principalOf(B1), undefined);
    assert.equal(w.watch.current().principalOf(C1), "carol");
  });

  test("reload() re-reads the file and says so when it is unchanged", async () => {
    const w = watched("same.txt", `${A1} alice\n`);
    await w.watch.reload();
    assert.match(w.lines.at(-1) ?? "", /^info .*same\.txt holds the tokens in force: 1 token of 1 principal/);
  });
});
