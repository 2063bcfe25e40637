/**
 * What the exit part reads from the preload's global state. Structural on
 * purpose: the exit code only needs these few members, and the state object
 * (src/preload/state.ts) satisfies it without either side importing the
 * other's internals.
 */
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { PendingSpanProcessor } from "./pending-span-processor.js";

/** The members of `AxonPushSpanExporter` the exit path uses (all but forceFlush are @internal). */
export interface ExitExporter {
  forceFlush(): Promise<void>;
  /** Hands spans that never reached `export()` to the sender, as they are. */
  handOverAtExit(spans: readonly ReadableSpan[]): void;
  /** Blocks until the sender thread has sent what it holds, or `budgetMs` has passed. */
  drainAtExit(budgetMs: number): unknown;
  /** Says what could not be sent (the thread's lines are printed by drainAtExit; a lane on the app's thread says its own). */
  sayLossesAtExit(): void;
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
