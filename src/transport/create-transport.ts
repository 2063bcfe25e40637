/**
 * The transport stack a lane sends through, innermost first: one HTTP try
 * (our own HTTP/1.1 client, straight or through the proxy the standard
 * variables name),
 * tracing suppressed around it when it runs on the app's thread,
 * then retries with backoff around it, then a breaker that fails fast while
 * the backend cannot be reached at all.
 */
import type { AxonPushClient } from "../client.js";
import { CircuitBreakerTransport } from "./circuit-breaker.js";
import { Http1Transport } from "./http1-transport.js";
import type { ProxyOptions } from "./http1/proxy-route.js";
import { RetryingTransport } from "./retrying-transport.js";
import type { Transport } from "./types.js";

/**
 * Upper bound for all tries of one request, so a sick backend cannot pin queue slots; equal to
 * the BatchSpanProcessor's default export timeout, past which nobody waits for the result anyway.
 */
export const DEFAULT_REQUEST_DEADLINE_MS = 30_000;

/** How long sends fail fast once the backend has proved unreachable, before one probe is tried. */
export const UNREACHABLE_COOLDOWN_MS = 5_000;

export interface EventTransportOptions {
  environment?: string;
  /** Parallel requests to start with: a full round of them failing to connect opens the breaker. */
  concurrency: number;
  /** The connection pool's bound: the most parallel requests may grow to (default `concurrency`). */
  maxConnections?: number;
  proxy?: ProxyOptions;
  /** Around each single try (the app's thread suppresses tracing of our own requests with it). */
  wrap?: (transport: Transport) => Transport;
}

export function createEventTransport(client: AxonPushClient, options: EventTransportOptions): Transport {
  const http = new Http1Transport({
    baseUrl: client.baseUrl,
    headersFor: (contentType, extraHeaders) => client.fixedHeadersFor(contentType, extraHeaders, options.environment),
    timeoutMs: client.timeoutMs,
    connections: Math.max(options.concurrency, options.maxConnections ?? options.concurrency),
    ...(options.proxy ? { proxy: options.proxy } : {}),
  });
  const retrying = new RetryingTransport(options.wrap ? options.wrap(http) : http, {
    maxRetries: client.maxRetries,
    deadlineMs: DEFAULT_REQUEST_DEADLINE_MS,
  });
  // One full round of parallel sends failing to connect is evidence enough that nothing listens.
  return new CircuitBreakerTransport(retrying, {
    threshold: Math.max(options.concurrency, 4),
    cooldownMs: UNREACHABLE_COOLDOWN_MS,
  });
}
