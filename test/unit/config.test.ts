import { describe, test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { ENV, SettingsError, defaultDbPath, parseCommand, type Settings } from "../../src/config.js";

function settings(argv: string[], env: NodeJS.ProcessEnv = {}): Settings {
  const cmd = parseCommand(argv, env);
  assert.equal(cmd.kind, "serve");
  return (cmd as { kind: "serve"; settings: Settings }).settings;
}

describe("parseCommand", () => {
  test("--help and -h ask for help, --version for the version", () => {
    assert.deepEqual(parseCommand(["--help"], {}), { kind: "help" });
    assert.deepEqual(parseCommand(["-h", "--db", "x.db"], {}), { kind: "help" });
    assert.deepEqual(parseCommand(["--version"], {}), { kind: "version" });
  });

  test("defaults: db under the data dir named conductor.db, no dirs, info, 5 MB", () => {
    const s = settings([]);
    assert.equal(path.basename(s.dbPath), "conductor.db");
    assert.ok(path.isAbsolute(s.dbPath));
    assert.equal(s.dbPath, path.resolve(defaultDbPath()));
    assert.deepEqual(s.allowedDirs, []);
    assert.equal(s.logLevel, "info");
    assert.equal(s.maxInputBytes, 5_000_000);
  });

  test("--db wins over CONDUCTOR_DB, which is used without the flag; both resolved absolute", () => {
    assert.equal(settings(["--db", "/tmp/flag.db"], { [ENV.db]: "/tmp/env.db" }).dbPath, "/tmp/flag.db");
    assert.equal(settings([], { [ENV.db]: "/tmp/env.db" }).dbPath, "/tmp/env.db");
    assert.equal(settings(["--db=rel/x.db"]).dbPath, path.resolve("rel/x.db"));
  });

  test("--allow-dir is repeatable and resolved absolute", () => {
    assert.deepEqual(settings(["--allow-dir", "data", "--allow-dir", "/srv/inputs"]).allowedDirs, [path.resolve("data"), "/srv/inputs"]);
  });

  test("CONDUCTOR_ALLOW_DIRS is split on path.delimiter, empty entries dropped", () => {
    const env = { [ENV.allowDirs]: ["/a", "rel/b", "", "/c"].join(path.delimiter) };
    assert.deepEqual(settings([], env).allowedDirs, ["/a", path.resolve("rel/b"), "/c"]);
  });

  test("--allow-dir replaces CONDUCTOR_ALLOW_DIRS", () => {
    assert.deepEqual(settings(["--allow-dir", "/x"], { [ENV.allowDirs]: "/a" }).allowedDirs, ["/x"]);
  });

  test("log level and max input bytes: flag over env", () => {
    const s = settings(["--log-level", "debug", "--max-input-bytes", "42"], { [ENV.logLevel]: "error", [ENV.maxInputBytes]: "7" });
    assert.equal(s.logLevel, "debug");
    assert.equal(s.maxInputBytes, 42);
    const e = settings([], { [ENV.logLevel]: "warning", [ENV.maxInputBytes]: "7" });
    assert.equal(e.logLevel, "warning");
    assert.equal(e.maxInputBytes, 7);
  });

  test("an empty environment variable counts as unset", () => {
    const s = settings([], { [ENV.db]: "", [ENV.logLevel]: " ", [ENV.maxInputBytes]: "" });
    assert.equal(s.dbPath, defaultDbPath());
    assert.equal(s.logLevel, "info");
    assert.equal(s.maxInputBytes, 5_000_000);
  });

  test("a bad --log-level throws SettingsError", () => {
    assert.throws(() => parseCommand(["--log-level", "verbose"], {}), (e: Error) => e instanceof SettingsError && /--log-level must be one of debug, info, warning, error, got "verbose"/.test(e.message));
    assert.throws(() => parseCommand([], { [ENV.logLevel]: "loud" }), SettingsError);
  });

  test("a bad --max-input-bytes throws SettingsError", () => {
    for (const v of ["0", "-1", "1.5", "lots"]) {
      assert.throws(() => parseCommand([`--max-input-bytes=${v}`], {}), (e: Error) => e instanceof SettingsError && e.message.includes(`got "${v}"`));
    }
  });

  test("an unknown flag or a missing value throws SettingsError with the usage", () => {
    assert.throws(() => parseCommand(["--nope"], {}), (e: Error) => e instanceof SettingsError && e.name === "SettingsError" && /Usage: conductor-mcp/.test(e.message));
    assert.throws(() => parseCommand(["--db"], {}), SettingsError);
    assert.throws(() => parseCommand(["stray"], {}), SettingsError);
  });
});

describe("model settings", () => {
  test("no --model: no model executor; --model with its key: the model, the allow-list, 8 in flight", () => {
    assert.equal(settings([]).models, undefined);
    const s = settings(["--model", "openai:gpt-4o-mini", "--models", "openai:gpt-4o, openai:gpt-4o-mini"], { OPENAI_API_KEY: "sk-x" });
    assert.deepEqual(s.models, { model: "openai:gpt-4o-mini", allowed: ["openai:gpt-4o-mini", "openai:gpt-4o"], baseUrl: undefined, concurrency: 8, maxRunTokens: undefined, contextTokens: undefined, prices: {} });
    assert.equal(settings([], { CONDUCTOR_MODEL: "anthropic:claude-x", ANTHROPIC_API_KEY: "k", CONDUCTOR_MAX_RUN_TOKENS: "5000" }).models?.maxRunTokens, 5000);
  });

  test("a missing key names its variable; a local server (--model-base-url) needs none", () => {
    assert.throws(() => parseCommand(["--model", "anthropic:claude-x"], {}), /set ANTHROPIC_API_KEY/);
    assert.equal(settings(["--model", "openai:llama3.1", "--model-base-url", "http://localhost:11434/v1"]).models?.baseUrl, "http://localhost:11434/v1");
  });

  test("a bad model name, base URL or concurrency is a SettingsError", () => {
    assert.throws(() => parseCommand(["--model", "gpt-4o"], { OPENAI_API_KEY: "k" }), (e: Error) => e instanceof SettingsError && /PROVIDER:MODEL/.test(e.message));
    assert.throws(() => parseCommand(["--model", "openai:x", "--model-base-url", "localhost:1"], { OPENAI_API_KEY: "k" }), /http\(s\) URL/);
    assert.throws(() => parseCommand(["--model-concurrency", "0"], {}), SettingsError);
    assert.throws(() => parseCommand(["--model", "openai:x", "--model-prices", "/nonexistent.json"], { OPENAI_API_KEY: "k" }), /--model-prices/);
  });
});
