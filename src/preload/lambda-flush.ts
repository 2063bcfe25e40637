/**
 * AWS Lambda freezes the sandbox as soon as the handler's promise settles. The aws-lambda instrumentation wraps the
 * handler and flushes the tracer provider before handing the result back, but it looks the provider's `forceFlush`
 * up once, when it is given the provider. NodeSDK.start() gives every instrumentation the API's proxy provider before
 * it registers its own behind that proxy, so the instrumentation found the no-op delegate, kept no flush, and every
 * span waited for the next thaw (lost with the sandbox; its debug line: "Spans may not be exported for the lambda
 * function because we are not force flushing before handler completion"). Given the proxy again once the SDK's
 * provider stands behind it, it finds the SDK's `forceFlush`, which under the preload waits for delivery.
 *
 * It flushes spans and metrics, not log records (open-telemetry/opentelemetry-js-contrib#3714): what a batch processor
 * OTEL_LOGS_EXPORTER added still holds would wait for the next thaw too. So the provider it is given flushes the
 * LoggerProvider with the spans. (Log records to AxonPush go out with the spans anyway: the span flush drains our
 * sender, and their processor hands over before it.)
 */
import { trace, type TracerProvider } from "@opentelemetry/api";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { flushableLoggerProvider, flushableProvider } from "../exit/provider.js";
import { markHandlerWrapped } from "../exit/serverless-advice.js";

const AWS_LAMBDA = "@opentelemetry/instrumentation-aws-lambda";

/** Call after NodeSDK.start(). True when an aws-lambda instrumentation now flushes after each invocation. */
export function connectLambdaFlush(instrumentations: readonly Instrumentation[]): boolean {
  const lambda = instrumentations.find((instrumentation) => instrumentation.instrumentationName === AWS_LAMBDA);
  if (!lambda) return false;
  lambda.setTracerProvider(flushingLogRecordsToo(trace.getTracerProvider()));
  // Its wrapper now flushes every invocation: the advice to wrap the handler with flushAfterInvocation is not needed.
  markHandlerWrapped();
  return true;
}

/** `provider`, whose `forceFlush` (looked up behind the API's proxy when it is called) also flushes the LoggerProvider. */
function flushingLogRecordsToo(provider: TracerProvider): TracerProvider & { forceFlush(): Promise<void> } {
  return {
    getTracer: (name, version, options) => provider.getTracer(name, version, options),
    async forceFlush() {
      const providers = [flushableProvider(provider), flushableLoggerProvider()];
      await Promise.all(providers.map((flushable) => flushable?.forceFlush()));
    },
  };
}
