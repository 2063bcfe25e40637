/**
 * The transport stack a lane sends through, innermost first: one HTTP try
 * (our own HTTP/1.1 client; through a proxy, undici, or node:http where
 * undici's WebAssembly parser cannot run),
 * tracing suppressed around it when it runs on the app's thread,
 * then retries with backoff around it, then a breaker that fails fast while
 * the backend cannot be reached at all.
 */
import type { AxonPushClient } from "../client.js";
import { CircuitBreakerTransport } from "./circuit-breaker.js";
import { Http1Transport } from "./http1-transport.js";
import { NodeHttpTransport } from "./node-http-transport.js";
import { ParserFallbackTransport } from "./parser-fallback-transport.js";
import { RetryingTransport } from "./retrying-transport.js";
import type { OutgoingRequest, Transport } from "./types.js";
import { UndiciTransport, type ProxyOptions } from "./undici-transport.js";

/**
 * Upper bound for all tries of one request, so a sick backend cannot pin queue slots; equal to
 * the BatchSpanProcessor's default export timeout, past which nobody waits for the result anyway.
 */
export const DEFAULT_REQUEST_DEADLINE_MS = 30_000;

/** How long sends fail fast once the backend has proved unreachable, before one probe is tried. */
export const UNREACHABLE_COOLDOWN_MS = 5_000;

export interface EventTransportOptions {
  environment?: string;
  /** Parallel requests; also the connection pool's size. */
  concurrency: number;
  proxy?: ProxyOptions;
  /** Around each single try (the app's thread suppresses tracing of our own requests with it). */
  wrap?: (transport: Transport) => Transport;
}

export function createEventTransport(client: AxonPushClient, options: EventTransportOptions): Transport {
  const connection = {
    baseUrl: client.baseUrl,
    headersFor: (request: OutgoingRequest) => client.headersFor(request, options.environment),
    timeoutMs: client.timeoutMs,
    connections: options.concurrency,
  };
  // Our own HTTP/1.1 client goes straight to the backend; through a proxy, undici (which reads NO_PROXY as curl does),
  // or node:http where undici's WebAssembly parser cannot run.
  const proxyConfigured = Boolean(options.proxy?.httpProxy || options.proxy?.httpsProxy);
  const http = proxyConfigured
    ? new ParserFallbackTransport(new UndiciTransport({ ...connection, proxy: options.proxy }), () => new NodeHttpTransport(connection), { proxyConfigured })
    : new Http1Transport(connection);
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
