/**
 * One parser per AXONPUSH_* variable. Each reads the merged environment and
 * returns a valid value: a bad one is reported and replaced by the default.
 */
import { parseBoolean, parseChoice, parseHttpUrl, parseInteger, parseList, parsePositiveDecimal, readRaw, type ParseContext } from "./parsers.js";
import type { ContentCaptureMode, ExportMode, TransportKind } from "./types.js";

export const DEFAULTS = Object.freeze({
  baseUrl: "https://api.axonpush.xyz",
  mode: "background" as ExportMode,
  transport: "events" as TransportKind,
  queueSize: 2048,
  timeoutMs: 10_000,
  maxRetries: 3,
  shutdownTimeoutMs: 5_000,
  maxContentLength: 4096,
  contentCapture: "metadata_only" as ContentCaptureMode,
});

/**
 * The one value AxonPush cannot do without: on the current API the key implies
 * the organisation, and an event without a channel goes to the key's default
 * channel. AXONPUSH_TENANT_ID and AXONPUSH_CHANNEL_ID are sent when set (the
 * first, NestJS backend needs both; a refusal for lack of them names them).
 */
export const REQUIRED_VARIABLES = ["AXONPUSH_API_KEY"] as const;

export const readApiKey = (ctx: ParseContext) => readRaw(ctx, "AXONPUSH_API_KEY");
/** `AXONPUSH_ORG_ID` is the SDKs' other name for it (contract/fixtures/env.json); the tenant id wins when both are set, as there. */
export const readTenantId = (ctx: ParseContext) => readRaw(ctx, "AXONPUSH_TENANT_ID") ?? readRaw(ctx, "AXONPUSH_ORG_ID");
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

/** From here on, an AXONPUSH_TIMEOUT can only be the milliseconds this package read before it read seconds. */
const SURELY_MILLISECONDS = 1000;

/**
 * Seconds per try, as AxonPush's SDKs read it (fractions allowed: `0.5`), in
 * milliseconds. A value of 1000 or more is read as the milliseconds this
 * package once took (a 1000-second timeout is no one's intent), with one line
 * saying what to write instead.
 */
export function readTimeoutMs(ctx: ParseContext): number {
  const fallbackSeconds = DEFAULTS.timeoutMs / 1000;
  const value = parsePositiveDecimal(ctx, "AXONPUSH_TIMEOUT", fallbackSeconds, "a number of seconds above 0 (0.5 for half a second)");
  if (value < SURELY_MILLISECONDS) return Math.max(1, Math.round(value * 1000));
  const milliseconds = Math.round(value);
  ctx.report(
    `AXONPUSH_TIMEOUT is in seconds, as in AxonPush's SDKs; ${JSON.stringify(readRaw(ctx, "AXONPUSH_TIMEOUT"))} can only mean ` +
      `milliseconds, so it is read as ${milliseconds} ms: write AXONPUSH_TIMEOUT=${milliseconds / 1000} instead.`,
  );
  return milliseconds;
}

export const readMaxRetries = (ctx: ParseContext) => parseInteger(ctx, "AXONPUSH_MAX_RETRIES", DEFAULTS.maxRetries, 0);

export const readShutdownTimeoutMs = (ctx: ParseContext) =>
  parseInteger(ctx, "AXONPUSH_SHUTDOWN_TIMEOUT_MS", DEFAULTS.shutdownTimeoutMs, 1);

export const readRedactKeys = (ctx: ParseContext) => parseList(ctx, "AXONPUSH_REDACT_KEYS") ?? [];

export const readMaxContentLength = (ctx: ParseContext) =>
  parseInteger(ctx, "AXONPUSH_MAX_CONTENT_LENGTH", DEFAULTS.maxContentLength, 1);

/** The SDKs' three modes and their default (contract/fixtures/env.json); see src/exporter/content-capture.ts. */
export const readContentCapture = (ctx: ParseContext) =>
  parseChoice<ContentCaptureMode>(ctx, "AXONPUSH_CONTENT_CAPTURE", ["metadata_only", "redacted", "full"], DEFAULTS.contentCapture);

export const readDebug = (ctx: ParseContext) => parseBoolean(ctx, "AXONPUSH_DEBUG", false);

/** Either switch turns the whole package off; "false" turns nothing off. */
export const readDisabled = (ctx: ParseContext) =>
  parseBoolean(ctx, "AXONPUSH_DISABLED", false) || parseBoolean(ctx, "OTEL_SDK_DISABLED", false);
