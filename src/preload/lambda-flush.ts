/**
 * AWS Lambda freezes the sandbox as soon as the handler's promise settles. The aws-lambda instrumentation wraps the
 * handler and flushes the tracer provider before handing the result back, but it looks the provider's `forceFlush`
 * up once, when it is given the provider. NodeSDK.start() gives every instrumentation the API's proxy provider before
 * it registers its own behind that proxy, so the instrumentation found the no-op delegate, kept no flush, and every
 * span waited for the next thaw (lost with the sandbox; its debug line: "Spans may not be exported for the lambda
 * function because we are not force flushing before handler completion"). Given the proxy again once the SDK's
 * provider stands behind it, it finds the SDK's `forceFlush`, which under the preload waits for delivery.
 */
import { trace } from "@opentelemetry/api";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { markHandlerWrapped } from "../exit/serverless-advice.js";

const AWS_LAMBDA = "@opentelemetry/instrumentation-aws-lambda";

/** Call after NodeSDK.start(). True when an aws-lambda instrumentation now flushes after each invocation. */
export function connectLambdaFlush(instrumentations: readonly Instrumentation[]): boolean {
  const lambda = instrumentations.find((instrumentation) => instrumentation.instrumentationName === AWS_LAMBDA);
  if (!lambda) return false;
  lambda.setTracerProvider(trace.getTracerProvider());
  // Its wrapper now flushes every invocation: the advice to wrap the handler with flushAfterInvocation is not needed.
  markHandlerWrapped();
  return true;
}
