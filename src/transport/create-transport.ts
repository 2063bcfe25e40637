/**
 * The transport stack the exporter uses, innermost first: one HTTP try with
 * tracing suppressed, then retries with backoff around it, then a breaker
 * that fails fast while the backend cannot be reached at all.
 */
import type { AxonPushClient } from "../client.js";
import { CircuitBreakerTransport } from "./circuit-breaker.js";
import { HttpTransport } from "./http-transport.js";
import { RetryingTransport } from "./retrying-transport.js";
import { withTracingSuppressed } from "./suppress-tracing.js";
import type { Transport } from "./types.js";

/**
 * Upper bound for all tries of one event, so a sick backend cannot pin queue slots; equal to
 * the BatchSpanProcessor's default export timeout, past which nobody waits for the result anyway.
 */
export const DEFAULT_REQUEST_DEADLINE_MS = 30_000;

/** How long sends fail fast once the backend has proved unreachable, before one probe is tried. */
export const UNREACHABLE_COOLDOWN_MS = 5_000;

export interface EventTransportOptions {
  environment?: string;
  /** Parallel requests; also the connection pool's size. */
  concurrency: number;
}

export function createEventTransport(client: AxonPushClient, options: EventTransportOptions): Transport {
  const http = new HttpTransport({
    baseUrl: client.baseUrl,
    headersFor: (request) => client.headersFor(request, options.environment),
    timeoutMs: client.timeoutMs,
    maxSockets: options.concurrency,
  });
  const retrying = new RetryingTransport(withTracingSuppressed(http), {
    maxRetries: client.maxRetries,
    deadlineMs: DEFAULT_REQUEST_DEADLINE_MS,
  });
  // One full round of parallel sends failing to connect is evidence enough that nothing listens.
  return new CircuitBreakerTransport(retrying, {
    threshold: Math.max(options.concurrency, 4),
    cooldownMs: UNREACHABLE_COOLDOWN_MS,
  });
}
