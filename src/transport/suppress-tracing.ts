/**
 * Runs every send with tracing suppressed, so the net (and dns)
 * instrumentations never make spans of our own connections; otherwise each
 * export would create spans that are exported in turn, forever.
 *
 * Applied to each single try (innermost), so it holds for retries started
 * from timers and for sends started outside the exporter (the exit path).
 */
import { context } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import type { OutgoingRequest, SendResult, Transport } from "./types.js";

export function withTracingSuppressed(inner: Transport): Transport {
  return {
    send: (request: OutgoingRequest): Promise<SendResult> =>
      context.with(suppressTracing(context.active()), () => inner.send(request)),
    close: (): void => inner.close(),
  };
}
