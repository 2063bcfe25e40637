/** OTEL_PROPAGATORS as the SDK reads it, from our merged environment. */
import type { TextMapPropagator } from "@opentelemetry/api";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { B3InjectEncoding, B3Propagator } from "@opentelemetry/propagator-b3";
import { JaegerPropagator } from "@opentelemetry/propagator-jaeger";

const FACTORIES: Record<string, () => TextMapPropagator> = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
  b3: () => new B3Propagator(),
  b3multi: () => new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
  jaeger: () => new JaegerPropagator(),
};

/** undefined = the SDK default (tracecontext + baggage); null = register none. */
export function buildPropagator(names: readonly string[] | undefined): TextMapPropagator | null | undefined {
  if (names === undefined) return undefined;
  if (names.includes("none")) return null;
  const propagators = names.flatMap((name) => (FACTORIES[name] ? [FACTORIES[name]()] : []));
  if (propagators.length === 0) return null;
  return propagators.length === 1 ? propagators[0]! : new CompositePropagator({ propagators });
}
