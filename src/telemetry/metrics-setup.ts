/**
 * Turns metrics on (imported only then: server.ts loads this module when `--metrics` is given or an OTLP metrics
 * endpoint is configured): a meter provider registered globally, with a Prometheus reader whose text the HTTP
 * server serves at `/metrics` (`--metrics`), and a periodic OTLP exporter when the standard variables name an
 * endpoint (`OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`; `OTEL_METRICS_EXPORTER=none`
 * and `OTEL_SDK_DISABLED=true` turn it off; `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`
 * pick `http/protobuf`, the default, or `http/json`; `OTEL_METRIC_EXPORT_INTERVAL` the period).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { metrics, type Meter } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from "@opentelemetry/sdk-metrics";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { VERSION } from "../version.js";
import { otlpMetricsConfigured } from "./metrics-config.js";

export interface Metrics {
  meter: Meter;
  /** Answers a scrape with the Prometheus text (with --metrics). */
  prometheus?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Exports what is pending and stops. */
  shutdown(): Promise<void>;
}

export async function startMetrics(options: { prometheus: boolean; env: NodeJS.ProcessEnv }): Promise<Metrics> {
  const readers: MetricReader[] = [];
  let prometheus: PrometheusExporter | undefined;
  if (options.prometheus) {
    prometheus = new PrometheusExporter({ preventServerStart: true });
    readers.push(prometheus);
  }
  if (otlpMetricsConfigured(options.env)) {
    const protocol = options.env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? options.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? "http/protobuf";
    const exporter = protocol === "http/json"
      ? new (await import("@opentelemetry/exporter-metrics-otlp-http")).OTLPMetricExporter()
      : new (await import("@opentelemetry/exporter-metrics-otlp-proto")).OTLPMetricExporter();
    const interval = Number(options.env.OTEL_METRIC_EXPORT_INTERVAL);
    readers.push(new PeriodicExportingMetricReader({ exporter, ...(interval > 0 ? { exportIntervalMillis: interval } : {}) }));
  }
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ "service.name": options.env.OTEL_SERVICE_NAME ?? "conductor-mcp", "service.version": VERSION }),
    readers,
  });
  metrics.setGlobalMeterProvider(provider);
  return {
    meter: provider.getMeter("conductor-mcp", VERSION),
    ...(prometheus ? { prometheus: (req: IncomingMessage, res: ServerResponse) => prometheus.getMetricsRequestHandler(req, res) } : {}),
    shutdown: () => provider.shutdown(),
  };
}
