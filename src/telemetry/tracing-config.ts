/**
 * Whether this process exports traces: an OTLP endpoint is configured (`OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), or `OTEL_TRACES_EXPORTER` names an exporter other than `none`;
 * `OTEL_SDK_DISABLED=true` turns it off. Without it the OpenTelemetry SDK is never loaded and every span the
 * code makes is the API's no-op one. The `console` exporter is never used: stdout carries JSON-RPC.
 */
export function tracingConfigured(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  const named = (env.OTEL_TRACES_EXPORTER ?? "").split(",").map((e) => e.trim().toLowerCase()).filter(Boolean);
  if (named.includes("none")) return false;
  const exporters = withoutConsole(named);
  if (exporters.length > 0) return true;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/** The exporters but `console` (it would write spans to stdout, which carries JSON-RPC). */
export function withoutConsole(exporters: string[]): string[] {
  return exporters.filter((e) => e !== "console");
}
