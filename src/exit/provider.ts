/**
 * Finds something to flush behind what `trace.getTracerProvider()` (or the
 * preload's state) gives: the API hands out a ProxyTracerProvider whose
 * delegate is the SDK's provider, and only the latter has `forceFlush`.
 */
import { metrics } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import type { FlushableProvider } from "./types.js";

interface MaybeProxy {
  forceFlush?: unknown;
  getDelegate?: () => unknown;
}

export function flushableProvider(provider: unknown): FlushableProvider | undefined {
  let current = provider as MaybeProxy | undefined;
  // A proxy may in theory wrap another proxy; a few hops are plenty.
  for (let hop = 0; hop < 4 && current && typeof current === "object"; hop++) {
    if (typeof current.forceFlush === "function") return current as FlushableProvider;
    if (typeof current.getDelegate !== "function") return undefined;
    const next = current.getDelegate() as MaybeProxy | undefined;
    if (next === current) return undefined;
    current = next;
  }
  return undefined;
}

/**
 * The other signals' providers to flush beside the spans, those registered globally that can flush (the APIs'
 * no-op ones cannot). The MeterProvider (NodeSDK registers one only when OTEL_METRICS_EXPORTER names an exporter):
 * its periodic reader would otherwise lose the last interval when the process ends or the instance is frozen. The
 * LoggerProvider: a batch processor OTEL_LOGS_EXPORTER added holds up to a second of records.
 */
export function otherSignalProviders(): FlushableProvider[] {
  const providers = [flushableProvider(metrics.getMeterProvider()), flushableLoggerProvider()];
  return providers.filter((provider): provider is FlushableProvider => provider !== undefined);
}

/** The global LoggerProvider, when one that can flush is registered. */
export function flushableLoggerProvider(): FlushableProvider | undefined {
  return flushableProvider(logs.getLoggerProvider());
}
