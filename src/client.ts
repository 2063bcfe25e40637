/**
 * The AxonPush connection settings: where to send, how to authenticate, and
 * how patient to be. Mirrors the official SDKs' client object; it does no I/O
 * itself (a network call in a constructor is a trap), the exporter builds its
 * transport from it.
 *
 * Authentication follows every version of the API at once: the key travels
 * in `x-axonpush-api-key` (what the current API and its SDKs read) and in
 * `X-API-Key` (the only key header of the first backend, still accepted
 * today); a public ingest token (`pt_…`) goes in `X-Public-Token` alone. The
 * key implies the organisation on the current API, so `x-tenant-id` is only
 * sent when a tenant is configured (the first backend requires it).
 */
import type { OutgoingRequest } from "./transport/types.js";

export interface AxonPushClientOptions {
  apiKey: string;
  /** `x-tenant-id`; only the first (NestJS) backend needs it, the current API reads the organisation from the key. */
  tenantId?: string;
  /** Default `https://api.axonpush.xyz`. */
  baseUrl?: string;
  /** Per request (one try), default 10 000 ms. */
  timeoutMs?: number;
  /** Retries after the first try, default 3 (backoff 250 ms, 500 ms, 1 s, … with jitter). */
  maxRetries?: number;
}

export const DEFAULT_BASE_URL = "https://api.axonpush.xyz";
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RETRIES = 3;

/** Public ingest tokens start with this and have a header of their own. */
export const PUBLIC_TOKEN_PREFIX = "pt_";

function nonNegativeInteger(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

export class AxonPushClient {
  readonly baseUrl: string;
  /** Undefined when not configured: then no `x-tenant-id` is sent. */
  readonly tenantId: string | undefined;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  // Private fields, so neither console.log(client) nor JSON.stringify(client) can print the key.
  readonly #apiKey: string;
  /** The authentication headers, built once: they are the same on every request. */
  readonly #authHeaders: Readonly<Record<string, string>>;

  constructor(options: AxonPushClientOptions) {
    this.#apiKey = String(options.apiKey ?? "");
    const tenantId = options.tenantId === undefined || options.tenantId === null ? "" : String(options.tenantId).trim();
    this.tenantId = tenantId || undefined;
    // Trailing slashes would turn `/event` into `//event`.
    this.baseUrl = (options.baseUrl?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, "");
    const timeoutMs = nonNegativeInteger(options.timeoutMs, DEFAULT_TIMEOUT_MS);
    this.timeoutMs = timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS;
    this.maxRetries = nonNegativeInteger(options.maxRetries, DEFAULT_MAX_RETRIES);
    this.#authHeaders = Object.freeze(authHeaders(this.#apiKey, this.tenantId));
  }

  /**
   * @internal all headers for one request: the authentication headers, `x-tenant-id` when configured,
   * Content-Type, X-Axonpush-Environment when given, the request's own, and its Idempotency-Key.
   */
  headersFor(request: OutgoingRequest, environment?: string): Record<string, string> {
    return { ...this.fixedHeadersFor(request.contentType, request.headers, environment), "Idempotency-Key": request.idempotencyKey };
  }

  /**
   * @internal every header of a request but its Idempotency-Key: the same for every request with this
   * content type and these extra headers.
   */
  fixedHeadersFor(contentType: string, extraHeaders?: Readonly<Record<string, string>>, environment?: string): Record<string, string> {
    const headers: Record<string, string> = {
      // The request's own extra headers (e.g. X-Axonpush-Channel for OTLP) first: they may add, never replace auth.
      ...extraHeaders,
      ...this.#authHeaders,
      "Content-Type": contentType,
    };
    if (environment) headers["X-Axonpush-Environment"] = environment;
    return headers;
  }

  /**
   * @internal the options that make this client again, key included: the sender thread builds its
   * own copy from them. A method, not a field, so printing the client still never shows the key.
   */
  toOptions(): Required<Pick<AxonPushClientOptions, "apiKey" | "baseUrl" | "timeoutMs" | "maxRetries">> & Pick<AxonPushClientOptions, "tenantId"> {
    return {
      apiKey: this.#apiKey,
      baseUrl: this.baseUrl,
      timeoutMs: this.timeoutMs,
      maxRetries: this.maxRetries,
      ...(this.tenantId ? { tenantId: this.tenantId } : {}),
    };
  }

  /** @internal replaces the API key, should it ever appear in a server's message, before printing. */
  scrubSecrets(text: string): string {
    return this.#apiKey.length >= 4 ? text.split(this.#apiKey).join("[REDACTED]") : text;
  }
}

function authHeaders(apiKey: string, tenantId: string | undefined): Record<string, string> {
  const headers: Record<string, string> = apiKey.startsWith(PUBLIC_TOKEN_PREFIX)
    ? { "X-Public-Token": apiKey }
    : { "x-axonpush-api-key": apiKey, "X-API-Key": apiKey };
  if (tenantId) headers["x-tenant-id"] = tenantId;
  return headers;
}
