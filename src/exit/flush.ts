/**
 * The asynchronous flush used while the event loop still runs (a signal,
 * `beforeExit`, the end of a serverless invocation): everything the
 * processors hold goes to the exporters, then the AxonPush exporter's own
 * queue drains, and meanwhile the other signals' providers (metrics, log
 * records) flush too, all within one deadline. Never rejects.
 */
import type { ExitExporter, FlushableProvider } from "./types.js";
import { logger } from "../diag.js";

export type FlushOutcome = "flushed" | "timed-out" | "failed";

export interface FlushTargets {
  provider?: FlushableProvider;
  exporter?: Pick<ExitExporter, "forceFlush">;
  /**
   * Providers of other signals (the MeterProvider and LoggerProvider: otherSignalProviders() in provider.ts), flushed
   * at the same time as the spans: a periodic metric reader would otherwise lose its last interval when the process
   * ends, a log batch processor what it holds.
   */
  alongside?: readonly FlushableProvider[];
}

export interface FlushOptions {
  timeoutMs: number;
  /**
   * Whether the deadline timer may hold the event loop open. True when we own
   * the end of the process (we re-raise a signal afterwards and nothing else
   * may keep Node alive until then); false when the app decides when to end.
   */
  keepAlive: boolean;
}

export async function flushWithDeadline(targets: FlushTargets, options: FlushOptions): Promise<FlushOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<FlushOutcome>((resolve) => {
    timer = setTimeout(() => resolve("timed-out"), Math.max(0, options.timeoutMs));
    if (!options.keepAlive) timer.unref();
  });
  try {
    return await Promise.race([drain(targets, options.timeoutMs), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function drain(targets: FlushTargets, timeoutMs: number): Promise<FlushOutcome> {
  // Each provider's own timeout matches ours, so its timers end with us.
  const options = { timeoutMillis: Math.max(1, timeoutMs) };
  const outcomes = await Promise.allSettled([drainSpans(targets, options), ...(targets.alongside ?? []).map((provider) => provider.forceFlush(options))]);
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
  if (!failure) return "flushed";
  const error: unknown = failure.reason;
  logger.debug(`exit: flush failed: ${error instanceof Error ? error.message : String(error)}`);
  return "failed";
}

async function drainSpans(targets: FlushTargets, options: { timeoutMillis: number }): Promise<void> {
  // The provider first: its batch processors hand their buffers to the exporters.
  if (targets.provider) await targets.provider.forceFlush(options);
  // Then whatever the AxonPush exporter still has queued or in flight.
  if (targets.exporter) await targets.exporter.forceFlush();
}
