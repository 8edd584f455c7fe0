import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LineReader, requestIdOf } from "../../src/stdio/line-reader.js";

const feed = (reader: LineReader, text: string, chunk = 7) => {
  const items = [];
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunk) items.push(...reader.push(bytes.subarray(i, i + chunk)));
  return items;
};

describe("LineReader", () => {
  test("splits newline-delimited messages across chunk boundaries, CRLF included, blank lines skipped", () => {
    const items = feed(new LineReader(1000), '{"a":1}\n{"b":"ü"}\r\n\n{"c":3}\n{"partial"');
    assert.deepEqual(items, [{ kind: "line", text: '{"a":1}' }, { kind: "line", text: '{"b":"ü"}' }, { kind: "line", text: '{"c":3}' }]);
  });

  test("a line over the limit is skipped to its newline and reported with its ends; the next line reads normally", () => {
    const big = `{"method":"tools/call","params":{"x":"${"y".repeat(50_000)}"},"jsonrpc":"2.0","id":42}`;
    const items = feed(new LineReader(10_000), `${big}\n{"ok":true}\n`, 4096);
    assert.equal(items.length, 2);
    const [oversize, next] = items;
    assert.equal(oversize?.kind, "oversize");
    if (oversize?.kind !== "oversize") return;
    assert.equal(oversize.bytes, Buffer.byteLength(big));
    assert.ok(oversize.head.startsWith('{"method":"tools/call"'));
    assert.ok(oversize.tail.endsWith('"id":42}'));
    assert.equal(requestIdOf(oversize.head, oversize.tail), 42);
    assert.deepEqual(next, { kind: "line", text: '{"ok":true}' });
  });

  test("a line of exactly the limit is read", () => {
    const line = `"${"z".repeat(98)}"`;
    assert.deepEqual(feed(new LineReader(100), `${line}\n`), [{ kind: "line", text: line }]);
    assert.equal(feed(new LineReader(99), `${line}\n`)[0]?.kind, "oversize");
  });
});

describe("requestIdOf", () => {
  test("finds the id last (SDK clients) or first (jsonrpc, id, ...), numbers and strings", () => {
    assert.equal(requestIdOf('{"method":"x","params":{', '..."}},"jsonrpc":"2.0","id":7}'), 7);
    assert.equal(requestIdOf('{"jsonrpc":"2.0","id":"req-1","method":"tools/call"', '"}}}'), "req-1");
    assert.equal(requestIdOf('{"id": 3, "jsonrpc":"2.0"', "}}"), 3);
  });

  test("an id nested in params, or no id, is not taken for the request's", () => {
    assert.equal(requestIdOf('{"method":"notifications/x","params":{', '"item":{"id":5}}}'), undefined);
    assert.equal(requestIdOf('{"method":"x"', '"jsonrpc":"2.0"}'), undefined);
  });
});
