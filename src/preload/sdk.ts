/**
 * The heavy half of starting: build the AxonPush exporter, the span
 * processors, the instrumentations and the resource, and start NodeSDK.
 * Called only once `planStart` said go.
 */
import { trace, type TracerProvider } from "@opentelemetry/api";
import type * as SdkNode from "@opentelemetry/sdk-node";
import { AxonPushSpanExporter } from "../exporter/index.js";
import { clientFor, exporterOptionsFor } from "./axonpush-exporter.js";
import { DEFAULT_MAX_PENDING_SPANS, PendingSpanProcessor } from "../exit/index.js";
import { missingRequired } from "../config/resolve.js";
import type { AxonPushOtelConfig } from "../config/types.js";
import type { Reporter } from "../config/report.js";
import { createInstrumentations, instrumentationsToStart } from "./instrumentations.js";
import { metricsExported } from "./not-needed.js";
import { connectLambdaFlush } from "./lambda-flush.js";
import { buildPropagator } from "./propagators.js";
import { buildDetectors, buildResource } from "./resource.js";
import { buildSampler } from "./sampler.js";
import { buildSpanProcessors } from "./span-processors.js";
import { buildLogRecordProcessors } from "./log-processors.js";
import { startLogCapture } from "../logs/capture.js";
import { formatStartupLine } from "./startup-line.js";
import type { AxonPushOtelState } from "./state.js";
import { PACKAGE_VERSION } from "./version.js";
import { requireLazily } from "./lazy-require.js";

function createAxonPushExporter(config: AxonPushOtelConfig): AxonPushSpanExporter | undefined {
  if (missingRequired(config).length > 0) return undefined;
  return new AxonPushSpanExporter(exporterOptionsFor(config, clientFor(config)), { debug: config.debug });
}

export function startSdk(config: AxonPushOtelConfig, state: AxonPushOtelState, report: Reporter): void {
  const exporter = createAxonPushExporter(config);
  // The batch processor holds up to its queue size, plus one batch it has taken out but not yet handed
  // over (while the resource's detectors finish): room for both, so no span it still holds is forgotten.
  const pendingSpans = exporter ? new PendingSpanProcessor({ maxSpans: 2 * (config.batchProcessor.maxQueueSize ?? DEFAULT_MAX_PENDING_SPANS) + 1 }) : undefined;
  const logProcessors = buildLogRecordProcessors(config, exporter);
  const sendLogRecords = logProcessors.processors.length > 0;
  const choice = instrumentationsToStart(config);
  const instrumentations = createInstrumentations(config, choice, { report, sendLogRecords });
  const { NodeSDK } = requireLazily("@opentelemetry/sdk-node") as typeof SdkNode;
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    resource: buildResource(config),
    resourceDetectors: buildDetectors(config.resourceDetectors),
    spanProcessors: buildSpanProcessors(config, exporter, pendingSpans),
    instrumentations,
    sampler: buildSampler(config.sampler),
    textMapPropagator: buildPropagator(config.propagators),
    // Metrics only when OTEL_METRICS_EXPORTER names an exporter (NodeSDK's default would be an OTLP exporter
    // posting to a localhost collector nobody runs). Log records go to AxonPush by default and to what
    // OTEL_LOGS_EXPORTER adds (log-processors.ts): NodeSDK gets the processors, never its default.
    ...(metricsExported(process.env) ? {} : { metricReaders: [] }),
    logRecordProcessors: logProcessors.processors,
  });
  sdk.start();
  connectLambdaFlush(instrumentations);
  // After start: the console capture and the crash record emit through the LoggerProvider it registered.
  if (logProcessors.axonpush) startLogCapture(logProcessors.axonpush, { captureConsole: config.logs.captureConsole });

  const global = trace.getTracerProvider();
  state.sdk = sdk;
  state.tracerProvider = delegateOf(global);
  state.exporter = exporter;
  state.pendingSpans = pendingSpans;
  state.instrumentations = instrumentations;

  if (config.debug) {
    report(formatStartupLine(config, PACKAGE_VERSION, choice.enabled, state.esmHooks ?? "none", choice.notNeeded));
  }
}

/**
 * The SDK's provider behind the API's proxy. Asked by shape, not
 * `instanceof`: since @opentelemetry/api 1.10 an ES module import and a
 * `require` of it load two copies (index.mjs and index.cjs) that share the
 * global registration, and the proxy registered by one is not an instance of
 * the other's class (forceFlush() then found no provider to flush).
 */
function delegateOf(provider: TracerProvider): TracerProvider {
  const proxy = provider as TracerProvider & { getDelegate?: () => TracerProvider };
  return typeof proxy.getDelegate === "function" ? proxy.getDelegate() : provider;
}
