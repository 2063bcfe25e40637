/**
 * dns and net spans only inside a trace. A `dns.lookup` or `tcp.connect`
 * with no parent span (a server resolving the address it listens on, a pool
 * opening connections at start-up) would be a trace of one span, made at
 * every start; with a parent it is part of the work of that trace and kept.
 *
 * The dns and net instrumentations are given this tracer provider: its
 * tracers start a span only when the context has a valid parent span, and
 * otherwise return a non-recording one (as the SDK does for a sampled-out
 * span), so what the instrumentation does next is unchanged.
 */
import { context, INVALID_SPAN_CONTEXT, isSpanContextValid, trace } from "@opentelemetry/api";
import type { Context, Span, SpanOptions, Tracer, TracerOptions, TracerProvider } from "@opentelemetry/api";
import { isTracingSuppressed } from "@opentelemetry/core";

function hasParent(options: SpanOptions | undefined, parentContext: Context): boolean {
  if (options?.root) return false;
  const parent = trace.getSpanContext(parentContext);
  return parent !== undefined && isSpanContextValid(parent);
}

class ParentOnlyTracer implements Tracer {
  constructor(
    private readonly tracer: Tracer,
    private readonly onLeftOut: (spanName: string) => void,
  ) {}

  startSpan(name: string, options?: SpanOptions, parentContext: Context = context.active()): Span {
    // Suppressed (our own export, an ignored request): the SDK makes it non-recording itself; nothing to count.
    if (isTracingSuppressed(parentContext) || hasParent(options, parentContext)) return this.tracer.startSpan(name, options, parentContext);
    this.onLeftOut(name);
    return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, parentContext: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest.pop() as F;
    const [options, parentContext = context.active()] = rest as [SpanOptions | undefined, Context | undefined];
    const span = this.startSpan(name, options, parentContext);
    return context.with(trace.setSpan(parentContext, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }
}

/** Tracers from the global provider (the SDK's, once started) that leave out spans without a parent. */
export function parentOnlyTracerProvider(onLeftOut: (spanName: string) => void): TracerProvider {
  return {
    getTracer: (name: string, version?: string, options?: TracerOptions) =>
      new ParentOnlyTracer(trace.getTracerProvider().getTracer(name, version, options), onLeftOut),
  };
}
