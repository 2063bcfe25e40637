/**
 * The standard OTEL_* variables the preload resolves itself, from the same
 * merged environment (real environment + `.env`), so that a value in `.env`
 * means what it would mean in the real environment.
 */
import { parseChoice, parseHttpUrl, parseInteger, parseKeyValueList, parseList, parseNumberInRange, readRaw, type ParseContext } from "./parsers.js";
import type { BatchProcessorConfig, ExtraTraceExporter, OtlpProtocol, OtlpTracesConfig, SamplerConfig } from "./types.js";
import { inAwsLambda } from "./serverless-variables.js";

/** Local detectors only: the cloud ones query metadata addresses and run only when named. */
export const DEFAULT_RESOURCE_DETECTORS = Object.freeze(["env", "host", "os", "process", "serviceinstance", "container"]);
/**
 * Added to the defaults in AWS Lambda: the aws-lambda detector alone (of the `aws` group, whose EC2 detector queries a
 * metadata address) reads only the runtime's variables: cloud.provider/platform/region, faas.name/version/instance,
 * faas.max_memory, the log group.
 */
export const LAMBDA_RESOURCE_DETECTOR = "aws-lambda";
export const CLOUD_RESOURCE_DETECTORS = Object.freeze(["alibaba", "aws", "azure", "gcp"]);
const KNOWN_RESOURCE_DETECTORS = new Set([...DEFAULT_RESOURCE_DETECTORS, ...CLOUD_RESOURCE_DETECTORS]);

export function readResourceDetectors(ctx: ParseContext): string[] {
  const names = parseList(ctx, "OTEL_NODE_RESOURCE_DETECTORS")?.map((n) => n.toLowerCase());
  if (names === undefined) return [...DEFAULT_RESOURCE_DETECTORS, ...(inAwsLambda(ctx) ? [LAMBDA_RESOURCE_DETECTOR] : [])];
  if (names.includes("none")) return [];
  if (names.includes("all")) return [...KNOWN_RESOURCE_DETECTORS];
  const unknown = names.filter((n) => !KNOWN_RESOURCE_DETECTORS.has(n));
  if (unknown.length > 0) {
    ctx.report(
      `OTEL_NODE_RESOURCE_DETECTORS must name detectors from ${[...KNOWN_RESOURCE_DETECTORS].join(", ")}, all or none, ` +
        `got ${JSON.stringify(unknown.join(","))}; ignoring ${unknown.length === 1 ? "it" : "them"}.`,
    );
  }
  return names.filter((n) => KNOWN_RESOURCE_DETECTORS.has(n));
}

const TRACE_EXPORTERS: readonly string[] = ["otlp", "console", "none"];

/**
 * Exporters to run beside AxonPush: those `OTEL_TRACES_EXPORTER` lists, plus
 * `otlp` whenever an OTLP endpoint is set (setting an endpoint is asking for it).
 */
export function readExtraTraceExporters(ctx: ParseContext): ExtraTraceExporter[] {
  const listed = parseList(ctx, "OTEL_TRACES_EXPORTER")?.map((n) => n.toLowerCase()) ?? [];
  const unknown = listed.filter((n) => !TRACE_EXPORTERS.includes(n));
  if (unknown.length > 0) {
    ctx.report(`OTEL_TRACES_EXPORTER must list otlp, console or none, got ${JSON.stringify(unknown.join(","))}; ignoring it.`);
  }
  const wanted = new Set(listed.filter((n): n is ExtraTraceExporter => n === "otlp" || n === "console"));
  if (readRaw(ctx, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") || readRaw(ctx, "OTEL_EXPORTER_OTLP_ENDPOINT")) wanted.add("otlp");
  return [...wanted];
}

/** Where the OTLP exporter sends, per the OTLP exporter spec: the signal URL is used as is, the base one gets `/v1/traces`. */
export function readOtlpTraces(ctx: ParseContext): OtlpTracesConfig {
  const signalUrl = parseHttpUrl(ctx, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", undefined);
  const baseUrl = parseHttpUrl(ctx, "OTEL_EXPORTER_OTLP_ENDPOINT", undefined);
  const url = signalUrl ?? (baseUrl ? `${baseUrl}/v1/traces` : undefined);
  const headers = { ...parseKeyValueList(ctx, "OTEL_EXPORTER_OTLP_HEADERS"), ...parseKeyValueList(ctx, "OTEL_EXPORTER_OTLP_TRACES_HEADERS") };
  const protocol = readOtlpProtocol(ctx);
  return protocol ? { url, headers, protocol } : { url, headers };
}

const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ["http/protobuf", "http/json"];

/** The traces variable wins over the general one, as in the OTLP exporter spec; grpc is not bundled. */
function readOtlpProtocol(ctx: ParseContext): OtlpProtocol | undefined {
  const name = readRaw(ctx, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") !== undefined ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" : "OTEL_EXPORTER_OTLP_PROTOCOL";
  const raw = readRaw(ctx, name);
  if (raw === undefined) return undefined;
  const protocol = OTLP_PROTOCOLS.find((known) => known === raw.toLowerCase());
  if (!protocol) {
    ctx.report(`${name} must be http/protobuf or http/json (grpc is not bundled), got ${JSON.stringify(raw)}; using http/protobuf.`);
  }
  return protocol;
}

export function readBatchProcessor(ctx: ParseContext): BatchProcessorConfig {
  return {
    maxQueueSize: parseInteger(ctx, "OTEL_BSP_MAX_QUEUE_SIZE", undefined, 1),
    scheduledDelayMillis: parseInteger(ctx, "OTEL_BSP_SCHEDULE_DELAY", undefined, 0),
    exportTimeoutMillis: parseInteger(ctx, "OTEL_BSP_EXPORT_TIMEOUT", undefined, 1),
    maxExportBatchSize: parseInteger(ctx, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", undefined, 1),
  };
}

const SAMPLERS = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;

export function readSampler(ctx: ParseContext): SamplerConfig | undefined {
  if (readRaw(ctx, "OTEL_TRACES_SAMPLER") === undefined) return undefined;
  const name = parseChoice(ctx, "OTEL_TRACES_SAMPLER", SAMPLERS, "parentbased_always_on");
  const ratio = name.endsWith("traceidratio") ? parseNumberInRange(ctx, "OTEL_TRACES_SAMPLER_ARG", 1, 0, 1) : 1;
  return { name, ratio };
}

const PROPAGATORS = ["tracecontext", "baggage", "b3", "b3multi", "jaeger", "none"];

export function readPropagators(ctx: ParseContext): string[] | undefined {
  const names = parseList(ctx, "OTEL_PROPAGATORS")?.map((n) => n.toLowerCase());
  if (names === undefined) return undefined;
  const unknown = names.filter((n) => !PROPAGATORS.includes(n));
  if (unknown.length > 0) {
    ctx.report(`OTEL_PROPAGATORS must list ${PROPAGATORS.join(", ")}, got ${JSON.stringify(unknown.join(","))}; ignoring it.`);
  }
  return names.filter((n) => PROPAGATORS.includes(n));
}

export const readResourceAttributes = (ctx: ParseContext) => parseKeyValueList(ctx, "OTEL_RESOURCE_ATTRIBUTES");
export const readOtelServiceName = (ctx: ParseContext) => readRaw(ctx, "OTEL_SERVICE_NAME");

/** Short names (`http`, `pg`); a full package name is accepted too. The instrumentation module checks them against the known list. */
const shortName = (name: string) => name.replace(/^@opentelemetry\/instrumentation-/, "").toLowerCase();
export const readEnabledInstrumentations = (ctx: ParseContext) => parseList(ctx, "OTEL_NODE_ENABLED_INSTRUMENTATIONS")?.map(shortName);
export const readDisabledInstrumentations = (ctx: ParseContext) => (parseList(ctx, "OTEL_NODE_DISABLED_INSTRUMENTATIONS") ?? []).map(shortName);
