/**
 * The AxonPush connection settings: where to send, how to authenticate, and
 * how patient to be. Mirrors the official SDKs' client object; it does no I/O
 * itself (a network call in a constructor is a trap), the exporter builds its
 * transport from it.
 */
import type { OutgoingRequest } from "./transport/types.js";

export interface AxonPushClientOptions {
  apiKey: string;
  tenantId: string;
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

function nonNegativeInteger(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

export class AxonPushClient {
  readonly baseUrl: string;
  readonly tenantId: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  // A private field, so neither console.log(client) nor JSON.stringify(client) can print the key.
  readonly #apiKey: string;

  constructor(options: AxonPushClientOptions) {
    this.#apiKey = String(options.apiKey ?? "");
    this.tenantId = String(options.tenantId ?? "");
    // Trailing slashes would turn `/event` into `//event`.
    this.baseUrl = (options.baseUrl?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, "");
    const timeoutMs = nonNegativeInteger(options.timeoutMs, DEFAULT_TIMEOUT_MS);
    this.timeoutMs = timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS;
    this.maxRetries = nonNegativeInteger(options.maxRetries, DEFAULT_MAX_RETRIES);
  }

  /** @internal all headers for one request (X-API-Key, x-tenant-id, Content-Type, Idempotency-Key, X-Axonpush-Environment when given, plus the request's own). */
  headersFor(request: OutgoingRequest, environment?: string): Record<string, string> {
    const headers: Record<string, string> = {
      // The request's own extra headers (e.g. X-Axonpush-Channel for OTLP) first: they may add, never replace auth.
      ...request.headers,
      "X-API-Key": this.#apiKey,
      "x-tenant-id": this.tenantId,
      "Content-Type": request.contentType,
      "Idempotency-Key": request.idempotencyKey,
    };
    if (environment) headers["X-Axonpush-Environment"] = environment;
    return headers;
  }

  /** @internal replaces the API key, should it ever appear in a server's message, before printing. */
  scrubSecrets(text: string): string {
    return this.#apiKey.length >= 4 ? text.split(this.#apiKey).join("[REDACTED]") : text;
  }
}
