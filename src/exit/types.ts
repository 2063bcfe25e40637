/**
 * What the exit part reads from the preload's global state. Structural on
 * purpose: the exit code only needs these few members, and the state object
 * (src/preload/state.ts) satisfies it without either side importing the
 * other's internals.
 */
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { OutgoingRequest } from "../transport/types.js";
import type { PendingSpanProcessor } from "./pending-span-processor.js";

/** The members of `AxonPushSpanExporter` the exit path uses (several are @internal). */
export interface ExitExporter {
  forceFlush(): Promise<void>;
  /** Turns spans into prepared requests without queueing them. */
  prepare(spans: ReadableSpan[]): OutgoingRequest[];
  /** Every request accepted but not yet settled (queued and in flight). */
  pendingRequests(): OutgoingRequest[];
  readonly client: {
    readonly baseUrl: string;
    headersFor(request: OutgoingRequest, environment?: string): Record<string, string>;
  };
  readonly environment: string | undefined;
}

/** Anything with a forceFlush: the SDK's tracer provider, in practice. */
export interface FlushableProvider {
  forceFlush(options?: { timeoutMillis?: number }): Promise<void>;
}

export interface ExitState {
  /** The provider the SDK registered (flushes every processor, OTLP ones included). */
  tracerProvider?: unknown;
  exporter?: ExitExporter;
  /** Spans ended but not yet handed to `exporter` (see PendingSpanProcessor). */
  pendingSpans?: PendingSpanProcessor;
  /** AXONPUSH_DEBUG: debug lines go to stderr even when no diag logger is registered. */
  config?: { readonly debug?: boolean };
  /** AXONPUSH_SHUTDOWN_TIMEOUT_MS: the most the end of the process is delayed by us. */
  shutdownTimeoutMs: number;
}
