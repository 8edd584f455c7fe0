/** Whether the standard OpenTelemetry variables ask for OTLP metrics (read without loading the SDK). */
export function otlpMetricsConfigured(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  const exporters = (env.OTEL_METRICS_EXPORTER ?? "otlp").split(",").map((e) => e.trim().toLowerCase());
  if (!exporters.includes("otlp")) return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}
