import assert from "node:assert/strict";
import { test } from "node:test";
import { tracingConfigured } from "../../src/telemetry/tracing-config.js";

test("tracing is on with an OTLP endpoint or a named exporter, off without, with none, or with OTEL_SDK_DISABLED=true", () => {
  assert.equal(tracingConfigured({}), false);
  assert.equal(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: "" }), false);
  assert.equal(tracingConfigured({ OTEL_SERVICE_NAME: "x", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }), false);
  assert.equal(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }), true);
  assert.equal(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" }), true);
  assert.equal(tracingConfigured({ OTEL_TRACES_EXPORTER: "otlp" }), true);
  assert.equal(tracingConfigured({ OTEL_TRACES_EXPORTER: "console" }), false, "console would write to stdout (JSON-RPC)");
  assert.equal(tracingConfigured({ OTEL_TRACES_EXPORTER: "console,otlp" }), true);
  assert.equal(tracingConfigured({ OTEL_TRACES_EXPORTER: "console", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }), true);
  assert.equal(tracingConfigured({ OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }), false);
  assert.equal(tracingConfigured({ OTEL_SDK_DISABLED: "TRUE", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }), false);
  assert.equal(tracingConfigured({ OTEL_SDK_DISABLED: "false", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }), true);
});
