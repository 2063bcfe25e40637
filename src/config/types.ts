/**
 * The preload's configuration: what the environment (and `start()` options)
 * resolve to. One frozen object, built once, read everywhere else.
 */

/** Environment variables as Node gives them; resolvers take this as a parameter. */
export type Env = Readonly<Record<string, string | undefined>>;

export type ExportMode = "background" | "sync";

/** How spans travel: one `/event` request per span, or OTLP batches to `/v1/traces`. */
export type TransportKind = "events" | "otlp";

/**
 * AXONPUSH_CONTENT_CAPTURE, as AxonPush's SDKs read it: `metadata_only` sends
 * `[REDACTED]` for values under content-like keys (prompts, messages, tool
 * arguments…), `redacted` sends a short preview of them, `full` sends them.
 */
export type ContentCaptureMode = "metadata_only" | "redacted" | "full";

/** `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL`: the OTLP/HTTP encodings we can send. */
export type OtlpProtocol = "http/protobuf" | "http/json";

/** Extra trace exporters that run beside AxonPush, each on its own BatchSpanProcessor. */
export type ExtraTraceExporter = "otlp" | "console";

/** Extra log exporters (OTEL_LOGS_EXPORTER) that run beside AxonPush. */
export type ExtraLogExporter = "otlp" | "console";

/** `OTEL_EXPORTER_OTLP_(LOGS_)PROTOCOL` for the extra OTLP log exporter (the SDK's three). */
export type OtlpLogsProtocol = "http/protobuf" | "http/json" | "grpc";

/** Log records (src/logs). */
export interface LogsConfig {
  /** AXONPUSH_LOGS and not OTEL_LOGS_EXPORTER=none: records (pino, winston, bunyan, crashes) go to AxonPush. */
  readonly toAxonPush: boolean;
  /** AXONPUSH_CAPTURE_CONSOLE: console output becomes records too. */
  readonly captureConsole: boolean;
  /** AXONPUSH_LOG_QUEUE_SIZE. */
  readonly queueSize: number;
  /** OTEL_LOGS_EXPORTER's otlp / console, beside AxonPush ([] with `none`). */
  readonly extraExporters: readonly ExtraLogExporter[];
  /** OTEL_BLRP_*, for the extra exporters. */
  readonly batchProcessor: BatchProcessorConfig;
  /** For the extra OTLP exporter (which reads its endpoint and headers itself, as under NodeSDK). */
  readonly otlpProtocol: OtlpLogsProtocol;
}

export interface SamplerConfig {
  /** An `OTEL_TRACES_SAMPLER` name, e.g. `parentbased_always_on` (the SDK default). */
  readonly name: string;
  /** `OTEL_TRACES_SAMPLER_ARG`, the ratio for the `*traceidratio` samplers. */
  readonly ratio: number;
}

/** What the preload leaves out of traces as noise (src/preload/noise). */
export interface NoiseConfig {
  /** Incoming request paths not traced: exact, or a prefix ending in `*`. */
  readonly ignorePaths: readonly string[];
  /** Trace requests from health checkers (their User-Agent) after all. */
  readonly traceProbes: boolean;
  /** Record dns and net spans that have no parent span after all. */
  readonly traceOrphanDnsNet: boolean;
}

export interface BatchProcessorConfig {
  readonly maxQueueSize?: number;
  readonly scheduledDelayMillis?: number;
  readonly exportTimeoutMillis?: number;
  readonly maxExportBatchSize?: number;
}

export interface OtlpTracesConfig {
  /** Full URL of the traces endpoint (`.../v1/traces`), undefined = the exporter's default. */
  readonly url?: string;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * For the extra OTLP exporter and for AxonPush's `otlp` transport; undefined:
   * protobuf (AxonPush's transport then switches to JSON if the server refuses protobuf).
   */
  readonly protocol?: OtlpProtocol;
}

export interface AxonPushOtelConfig {
  // AxonPush destination. Without the key AxonPush is off; tenant and channel are optional
  // (sent when set: the key implies the organisation, and its default channel is used).
  readonly apiKey?: string;
  readonly tenantId?: string;
  readonly channelId?: string;
  readonly baseUrl: string;
  readonly mode: ExportMode;
  readonly transport: TransportKind;
  readonly queueSize: number;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly shutdownTimeoutMs: number;
  readonly redactKeys: readonly string[];
  readonly maxContentLength: number;
  readonly contentCapture: ContentCaptureMode;

  // What the spans say about the service.
  readonly serviceName: string;
  readonly serviceVersion?: string;
  readonly environment?: string;
  /** From `OTEL_RESOURCE_ATTRIBUTES` (only used when the `env` detector is on). */
  readonly resourceAttributes: Readonly<Record<string, string>>;

  // Behaviour switches.
  readonly debug: boolean;
  readonly disabled: boolean;

  // Standard OpenTelemetry settings, resolved from the same merged environment.
  readonly extraTraceExporters: readonly ExtraTraceExporter[];
  readonly otlpTraces: OtlpTracesConfig;
  readonly batchProcessor: BatchProcessorConfig;
  readonly sampler?: SamplerConfig;
  /** `OTEL_PROPAGATORS` names; undefined = the SDK default (tracecontext, baggage). */
  readonly propagators?: readonly string[];
  readonly resourceDetectors: readonly string[];
  /** Short names (`http`, `pg`, …); undefined = every default instrumentation. */
  readonly enabledInstrumentations?: readonly string[];
  readonly disabledInstrumentations: readonly string[];

  /** What is left out of traces as noise. */
  readonly noise: NoiseConfig;

  /** Log records: to AxonPush as `app.log` events, and to the exporters beside it. */
  readonly logs: LogsConfig;
}

/** Code options for `start()`: each one overrides its environment variable. */
export interface StartOptions {
  apiKey?: string;
  tenantId?: string;
  channelId?: string;
  baseUrl?: string;
  mode?: ExportMode;
  transport?: TransportKind;
  queueSize?: number;
  timeoutMs?: number;
  maxRetries?: number;
  shutdownTimeoutMs?: number;
  redactKeys?: string[];
  maxContentLength?: number;
  contentCapture?: ContentCaptureMode;
  serviceName?: string;
  serviceVersion?: string;
  environment?: string;
  debug?: boolean;
  /** Overrides AXONPUSH_IGNORE_PATHS (not checked: exact paths, or prefixes ending in `*`). */
  ignorePaths?: string[];
  /** Overrides AXONPUSH_TRACE_PROBES. */
  traceProbes?: boolean;
  /** Overrides AXONPUSH_TRACE_ORPHAN_DNS_NET. */
  traceOrphanDnsNet?: boolean;
  /** Overrides AXONPUSH_LOGS (OTEL_LOGS_EXPORTER=none still turns logs off). */
  logs?: boolean;
  /** Overrides AXONPUSH_CAPTURE_CONSOLE. */
  captureConsole?: boolean;
  /** Overrides AXONPUSH_LOG_QUEUE_SIZE. */
  logQueueSize?: number;
  /** The environment to read instead of `process.env` (merged with `.env`). */
  env?: Env;
}
