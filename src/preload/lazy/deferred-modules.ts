/**
 * Packages required at the top of modules the preload needs (sdk-node's
 * exporter, metrics, logs and config-file support; our own optional
 * exporters, propagators and cloud resource detectors) but used only when
 * configured. In the preload bundle each import of one of them gets a
 * stand-in whose exports evaluate it on first use, from dist/lazy/modules.cjs
 * (see scripts/preload-bundle.ts); everywhere else they load as usual.
 *
 * Every one is reached only by property access on its exports, and none has
 * a side effect the SDK relies on at start.
 */
const DEFERRED_MODULES: Readonly<Record<string, () => unknown>> = {
  "@opentelemetry/configuration": () => require("@opentelemetry/configuration"),
  "@opentelemetry/exporter-logs-otlp-grpc": () => require("@opentelemetry/exporter-logs-otlp-grpc"),
  "@opentelemetry/exporter-logs-otlp-http": () => require("@opentelemetry/exporter-logs-otlp-http"),
  "@opentelemetry/exporter-logs-otlp-proto": () => require("@opentelemetry/exporter-logs-otlp-proto"),
  "@opentelemetry/exporter-metrics-otlp-grpc": () => require("@opentelemetry/exporter-metrics-otlp-grpc"),
  "@opentelemetry/exporter-metrics-otlp-http": () => require("@opentelemetry/exporter-metrics-otlp-http"),
  "@opentelemetry/exporter-metrics-otlp-proto": () => require("@opentelemetry/exporter-metrics-otlp-proto"),
  "@opentelemetry/exporter-prometheus": () => require("@opentelemetry/exporter-prometheus"),
  "@opentelemetry/exporter-trace-otlp-grpc": () => require("@opentelemetry/exporter-trace-otlp-grpc"),
  "@opentelemetry/exporter-trace-otlp-http": () => require("@opentelemetry/exporter-trace-otlp-http"),
  "@opentelemetry/exporter-trace-otlp-proto": () => require("@opentelemetry/exporter-trace-otlp-proto"),
  "@opentelemetry/exporter-zipkin": () => require("@opentelemetry/exporter-zipkin"),
  "@opentelemetry/otlp-exporter-base": () => require("@opentelemetry/otlp-exporter-base"),
  "@opentelemetry/otlp-grpc-exporter-base": () => require("@opentelemetry/otlp-grpc-exporter-base"),
  "@opentelemetry/otlp-transformer": () => require("@opentelemetry/otlp-transformer"),
  "@opentelemetry/propagator-b3": () => require("@opentelemetry/propagator-b3"),
  "@opentelemetry/propagator-jaeger": () => require("@opentelemetry/propagator-jaeger"),
  "@opentelemetry/resource-detector-alibaba-cloud": () => require("@opentelemetry/resource-detector-alibaba-cloud"),
  "@opentelemetry/resource-detector-aws": () => require("@opentelemetry/resource-detector-aws"),
  // Its Lambda detector alone (LAMBDA_RESOURCE_DETECTOR): the package's index loads every AWS detector (~50 ms).
  "@opentelemetry/resource-detector-aws/build/src/detectors/AwsLambdaDetector.js": () => require("@opentelemetry/resource-detector-aws/build/src/detectors/AwsLambdaDetector.js"),
  "@opentelemetry/resource-detector-azure": () => require("@opentelemetry/resource-detector-azure"),
  "@opentelemetry/resource-detector-gcp": () => require("@opentelemetry/resource-detector-gcp"),
  "@opentelemetry/sdk-metrics": () => require("@opentelemetry/sdk-metrics"),
};

export const DEFERRED_MODULE_NAMES: readonly string[] = Object.keys(DEFERRED_MODULES);

/** Entry of dist/lazy/modules.cjs: evaluates one of them. */
export function loadDeferredModule(specifier: string): unknown {
  const load = DEFERRED_MODULES[specifier];
  if (!load) throw new Error(`axonpush-otel: ${specifier} is not a deferred module`);
  return load();
}
