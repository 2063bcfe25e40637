/**
 * `flushAfterInvocation(handler, { timeoutMs })`: for AWS Lambda, Google
 * Cloud Functions and Azure Functions, whose runtimes freeze or end the
 * process as soon as the handler's promise settles. After every invocation,
 * success or error, the global tracer provider is force-flushed (bounded by
 * `timeoutMs`) before the result is handed back.
 *
 * It only relies on `trace.getTracerProvider()`, so it works under the
 * preload and with an exporter set up by hand alike. The wrapper is
 * transparent: same `this`, same arguments, same return value, and the
 * handler's error is re-thrown as the very same object. A flush failure
 * never becomes the invocation's error.
 */
import { trace } from "@opentelemetry/api";
import { logger } from "./diag.js";
import { flushWithDeadline } from "./exit/flush.js";
import { flushableProvider, otherSignalProviders } from "./exit/provider.js";
import { markHandlerWrapped } from "./exit/serverless-advice.js";
import { flushEverySenderLane } from "./sender/sender-lane.js";

export interface FlushAfterInvocationOptions {
  /** Longest the flush may add to an invocation; default 2000 ms. */
  timeoutMs?: number;
}

export const DEFAULT_INVOCATION_FLUSH_TIMEOUT_MS = 2_000;

// `any` for `this` and the arguments: the wrapper must accept every handler shape.
type AnyFunction = (this: any, ...args: any[]) => unknown;

/**
 * Wraps a serverless handler so that, after every invocation (success or
 * error), the spans it produced are delivered before the result is handed
 * back to the runtime. `this`, the arguments and the return value pass
 * through; a thrown error is re-thrown unchanged.
 *
 * @example
 * export const handler = flushAfterInvocation(async (event, context) => {
 *   return { statusCode: 200 };
 * }, { timeoutMs: 2000 });
 */
export function flushAfterInvocation<H extends AnyFunction>(
  handler: H,
  options: FlushAfterInvocationOptions = {},
): (this: ThisParameterType<H>, ...args: Parameters<H>) => Promise<Awaited<ReturnType<H>>> {
  if (typeof handler !== "function") {
    throw new TypeError("flushAfterInvocation: handler must be a function");
  }
  const timeoutMs = validTimeout(options.timeoutMs);
  markHandlerWrapped();

  return async function flushingHandler(
    this: ThisParameterType<H>,
    ...args: Parameters<H>
  ): Promise<Awaited<ReturnType<H>>> {
    try {
      const result: Awaited<ReturnType<H>> = await (handler.apply(this, args) as ReturnType<H>);
      return result;
    } finally {
      // `finally` keeps the handler's outcome: its value is returned, its
      // error re-thrown unchanged, once the flush has settled.
      await flushGlobalProvider(timeoutMs);
    }
  };
}

async function flushGlobalProvider(timeoutMs: number): Promise<void> {
  const provider = flushableProvider(trace.getTracerProvider());
  // The provider's processors hand their spans to the sender; then every exporter of ours waits for delivery
  // (an AxonPushSpanExporter on a plain BatchSpanProcessor would otherwise be left sending).
  const senders = { forceFlush: flushEverySenderLane };
  const outcome = await flushWithDeadline({ provider, exporter: senders, alongside: otherSignalProviders() }, { timeoutMs, keepAlive: false });
  if (outcome !== "flushed") logger.debug(`flushAfterInvocation: flush ${outcome} (timeout ${timeoutMs} ms)`);
}

function validTimeout(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : DEFAULT_INVOCATION_FLUSH_TIMEOUT_MS;
}
