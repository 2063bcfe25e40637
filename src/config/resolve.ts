/**
 * Turns the environment (plus code options) into one frozen configuration.
 * Precedence, in one merge: code options > real environment > `.env` > defaults.
 */
import * as axonpush from "./axonpush-variables.js";
import { REQUIRED_VARIABLES } from "./axonpush-variables.js";
import * as otel from "./otel-variables.js";
import * as noise from "./noise-variables.js";
import * as logs from "./log-variables.js";
import { findAppPackage } from "./app-package.js";
import { readLambdaFunctionName } from "./serverless-variables.js";
import { reportToStderr, type Reporter } from "./report.js";
import type { ParseContext } from "./parsers.js";
import type { AxonPushOtelConfig, Env, StartOptions } from "./types.js";

export interface ResolveInputs {
  /** Already merged with `.env` (see `mergeWithDotEnv`). */
  env: Env;
  options?: StartOptions;
  report?: Reporter;
  /** For the package.json search; default process.argv[1] (pass undefined explicitly for none) and process.cwd(). */
  entryScript?: string;
  cwd?: string;
}

const UNKNOWN_SERVICE = "unknown_service:node";

export function resolveConfig(inputs: ResolveInputs): AxonPushOtelConfig {
  const ctx: ParseContext = { env: inputs.env, report: inputs.report ?? reportToStderr };
  const options = inputs.options ?? {};
  const resourceAttributes = otel.readResourceAttributes(ctx);
  const appPackage = findAppPackage("entryScript" in inputs ? inputs.entryScript : process.argv[1], inputs.cwd ?? process.cwd());

  const config: AxonPushOtelConfig = {
    apiKey: options.apiKey ?? axonpush.readApiKey(ctx),
    tenantId: options.tenantId ?? axonpush.readTenantId(ctx),
    channelId: options.channelId ?? axonpush.readChannelId(ctx),
    baseUrl: (options.baseUrl ?? axonpush.readBaseUrl(ctx)).replace(/\/+$/, ""),
    mode: options.mode ?? axonpush.readMode(ctx),
    transport: options.transport ?? axonpush.readTransport(ctx),
    queueSize: options.queueSize ?? axonpush.readQueueSize(ctx),
    timeoutMs: options.timeoutMs ?? axonpush.readTimeoutMs(ctx),
    maxRetries: options.maxRetries ?? axonpush.readMaxRetries(ctx),
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? axonpush.readShutdownTimeoutMs(ctx),
    redactKeys: Object.freeze([...(options.redactKeys ?? axonpush.readRedactKeys(ctx))]),
    maxContentLength: options.maxContentLength ?? axonpush.readMaxContentLength(ctx),
    contentCapture: options.contentCapture ?? axonpush.readContentCapture(ctx),

    serviceName:
      options.serviceName ??
      axonpush.readServiceName(ctx) ??
      otel.readOtelServiceName(ctx) ??
      resourceAttributes["service.name"] ??
      readLambdaFunctionName(ctx) ??
      appPackage?.name ??
      UNKNOWN_SERVICE,
    serviceVersion:
      options.serviceVersion ?? axonpush.readServiceVersion(ctx) ?? resourceAttributes["service.version"] ?? appPackage?.version,
    environment: options.environment ?? axonpush.readEnvironment(ctx),
    resourceAttributes: Object.freeze(resourceAttributes),

    debug: options.debug ?? (axonpush.readDebug(ctx) || isVerboseOtelLogLevel(inputs.env)),
    disabled: axonpush.readDisabled(ctx),

    extraTraceExporters: Object.freeze(otel.readExtraTraceExporters(ctx)),
    otlpTraces: Object.freeze(otel.readOtlpTraces(ctx)),
    batchProcessor: Object.freeze(otel.readBatchProcessor(ctx)),
    sampler: otel.readSampler(ctx),
    propagators: otel.readPropagators(ctx),
    resourceDetectors: Object.freeze(otel.readResourceDetectors(ctx)),
    enabledInstrumentations: otel.readEnabledInstrumentations(ctx),
    disabledInstrumentations: Object.freeze(otel.readDisabledInstrumentations(ctx)),

    noise: Object.freeze({
      ignorePaths: Object.freeze([...(options.ignorePaths ?? noise.readIgnorePaths(ctx))]),
      traceProbes: options.traceProbes ?? noise.readTraceProbes(ctx),
      traceOrphanDnsNet: options.traceOrphanDnsNet ?? noise.readTraceOrphanDnsNet(ctx),
    }),

    logs: resolveLogs(ctx, options),
  };
  return Object.freeze(config);
}

function resolveLogs(ctx: ParseContext, options: StartOptions): AxonPushOtelConfig["logs"] {
  const exporters = logs.readLogExporters(ctx);
  return Object.freeze({
    toAxonPush: (options.logs ?? logs.readLogs(ctx)) && !exporters.none,
    captureConsole: options.captureConsole ?? logs.readCaptureConsole(ctx),
    queueSize: options.logQueueSize ?? logs.readLogQueueSize(ctx),
    extraExporters: Object.freeze(exporters.extra),
    batchProcessor: Object.freeze(logs.readBatchLogProcessor(ctx)),
    // Read only when it is used: a protocol meant for traces alone must not be reported as a logs problem.
    otlpProtocol: exporters.extra.includes("otlp") ? logs.readOtlpLogsProtocol(ctx) : "http/protobuf",
  });
}

function isVerboseOtelLogLevel(env: Env): boolean {
  const level = env.OTEL_LOG_LEVEL?.trim().toLowerCase();
  return level === "debug" || level === "info" || level === "verbose" || level === "all";
}

/** Names of the required variables that are missing (only AXONPUSH_API_KEY: the key alone is enough). */
export function missingRequired(config: AxonPushOtelConfig): string[] {
  const values: Record<(typeof REQUIRED_VARIABLES)[number], string | undefined> = { AXONPUSH_API_KEY: config.apiKey };
  return REQUIRED_VARIABLES.filter((name) => !values[name]);
}
