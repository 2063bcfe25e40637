/**
 * One parser per AXONPUSH_* variable. Each reads the merged environment and
 * returns a valid value: a bad one is reported and replaced by the default.
 */
import { parseBoolean, parseChoice, parseHttpUrl, parseInteger, parseList, readRaw, type ParseContext } from "./parsers.js";
import type { ExportMode, TransportKind } from "./types.js";

export const DEFAULTS = Object.freeze({
  baseUrl: "https://api.axonpush.xyz",
  mode: "background" as ExportMode,
  transport: "events" as TransportKind,
  queueSize: 2048,
  timeoutMs: 10_000,
  maxRetries: 3,
  shutdownTimeoutMs: 5_000,
  maxContentLength: 4096,
});

/**
 * The one value AxonPush cannot do without: on the current API the key implies
 * the organisation, and an event without a channel goes to the key's default
 * channel. AXONPUSH_TENANT_ID and AXONPUSH_CHANNEL_ID are sent when set (the
 * first, NestJS backend needs both; a refusal for lack of them names them).
 */
export const REQUIRED_VARIABLES = ["AXONPUSH_API_KEY"] as const;

export const readApiKey = (ctx: ParseContext) => readRaw(ctx, "AXONPUSH_API_KEY");
export const readTenantId = (ctx: ParseContext) => readRaw(ctx, "AXONPUSH_TENANT_ID");
export const readChannelId = (ctx: ParseContext) => readRaw(ctx, "AXONPUSH_CHANNEL_ID");
export const readServiceName = (ctx: ParseContext) => readRaw(ctx, "AXONPUSH_SERVICE_NAME");
export const readServiceVersion = (ctx: ParseContext) => readRaw(ctx, "AXONPUSH_SERVICE_VERSION");
export const readEnvironment = (ctx: ParseContext) => readRaw(ctx, "AXONPUSH_ENVIRONMENT");

export const readBaseUrl = (ctx: ParseContext) => parseHttpUrl(ctx, "AXONPUSH_BASE_URL", DEFAULTS.baseUrl);

export const readMode = (ctx: ParseContext) =>
  parseChoice<ExportMode>(ctx, "AXONPUSH_MODE", ["background", "sync"], DEFAULTS.mode);

export const readTransport = (ctx: ParseContext) =>
  parseChoice<TransportKind>(ctx, "AXONPUSH_TRANSPORT", ["events", "otlp"], DEFAULTS.transport);

export const readQueueSize = (ctx: ParseContext) => parseInteger(ctx, "AXONPUSH_QUEUE_SIZE", DEFAULTS.queueSize, 1);

/** Milliseconds per request. */
export const readTimeoutMs = (ctx: ParseContext) => parseInteger(ctx, "AXONPUSH_TIMEOUT", DEFAULTS.timeoutMs, 1);

export const readMaxRetries = (ctx: ParseContext) => parseInteger(ctx, "AXONPUSH_MAX_RETRIES", DEFAULTS.maxRetries, 0);

export const readShutdownTimeoutMs = (ctx: ParseContext) =>
  parseInteger(ctx, "AXONPUSH_SHUTDOWN_TIMEOUT_MS", DEFAULTS.shutdownTimeoutMs, 1);

export const readRedactKeys = (ctx: ParseContext) => parseList(ctx, "AXONPUSH_REDACT_KEYS") ?? [];

export const readMaxContentLength = (ctx: ParseContext) =>
  parseInteger(ctx, "AXONPUSH_MAX_CONTENT_LENGTH", DEFAULTS.maxContentLength, 1);

export const readDebug = (ctx: ParseContext) => parseBoolean(ctx, "AXONPUSH_DEBUG", false);

/** Either switch turns the whole package off; "false" turns nothing off. */
export const readDisabled = (ctx: ParseContext) =>
  parseBoolean(ctx, "AXONPUSH_DISABLED", false) || parseBoolean(ctx, "OTEL_SDK_DISABLED", false);
