import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputAccess } from "../../src/runs/input-access.js";

let root: string; // holds the allowed dir and siblings outside it
let allowed: string;
let outsideFile: string;

before(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "conductor-input-")));
  allowed = path.join(root, "allowed");
  fs.mkdirSync(path.join(allowed, "sub"), { recursive: true });
  fs.writeFileSync(path.join(allowed, "notes.txt"), "hello world");
  fs.writeFileSync(path.join(allowed, "sub", "deep.csv"), "a,b\n1,2\n");
  fs.writeFileSync(path.join(allowed, "big.txt"), "x".repeat(101));
  fs.mkdirSync(path.join(root, "outside"));
  outsideFile = path.join(root, "outside", "secret.txt");
  fs.writeFileSync(outsideFile, "secret");
  fs.mkdirSync(path.join(root, "allowed-evil"));
  fs.writeFileSync(path.join(root, "allowed-evil", "x.txt"), "evil");
  fs.symlinkSync(outsideFile, path.join(allowed, "link.txt"));
  fs.symlinkSync(path.join(allowed, "notes.txt"), path.join(allowed, "inner-link.txt"));
});

after(() => fs.rmSync(root, { recursive: true, force: true }));

const access = () => new InputAccess([allowed], 100);

describe("InputAccess.check", () => {
  test("a file inside the allowed dir is readable, by relative or absolute path", async () => {
    assert.deepEqual(await access().check("notes.txt"), { path: path.join(allowed, "notes.txt"), bytes: 11 });
    assert.deepEqual(await access().check(path.join(allowed, "sub", "deep.csv")), { path: path.join(allowed, "sub", "deep.csv"), bytes: 8 });
    assert.equal(await access().read("notes.txt"), "hello world");
  });

  test("a symlink inside pointing inside is fine and resolves to its target", async () => {
    assert.equal((await access().check("inner-link.txt")).path, path.join(allowed, "notes.txt"));
  });

  test("../ escaping the dir is rejected", async () => {
    await assert.rejects(access().check("../outside/secret.txt"), /outside the allowed directories/);
    await assert.rejects(access().check("sub/../../outside/secret.txt"), /outside the allowed directories/);
  });

  test("an absolute path outside is rejected", async () => {
    await assert.rejects(access().check(outsideFile), /outside the allowed directories/);
  });

  test("a sibling dir sharing the allowed dir's name as a prefix is outside", async () => {
    await assert.rejects(access().check(path.join(root, "allowed-evil", "x.txt")), /outside the allowed directories/);
  });

  test("a symlink inside pointing outside is rejected", async () => {
    await assert.rejects(access().check("link.txt"), /outside the allowed directories/);
    await assert.rejects(access().read("link.txt"), /outside the allowed directories/);
  });

  test("a directory is rejected", async () => {
    await assert.rejects(access().check("sub"), /is not a regular file/);
    await assert.rejects(access().check("."), /is not a regular file/);
  });

  test("a file over maxBytes is rejected; one at the limit is not", async () => {
    await assert.rejects(access().check("big.txt"), /has 101 bytes, more than the limit of 100/);
    assert.equal((await new InputAccess([allowed], 101).check("big.txt")).bytes, 101);
  });

  test("a missing file says it does not exist", async () => {
    await assert.rejects(access().check("nope.txt"), /"nope.txt" does not exist/);
  });

  test("no allowed dirs (or only missing ones) rejects every path", async () => {
    await assert.rejects(new InputAccess([], 100).check("notes.txt"), /no directory is allowed/);
    await assert.rejects(new InputAccess([path.join(root, "missing")], 100).check("notes.txt"), /no directory is allowed/);
  });

  test("a second allowed dir is honoured for absolute paths", async () => {
    const both = new InputAccess([allowed, path.join(root, "outside")], 100);
    assert.equal((await both.check(outsideFile)).bytes, 6);
  });

  test("errors are UserErrors", async () => {
    await assert.rejects(access().check("nope.txt"), (e: Error) => e.name === "UserError");
  });
});
