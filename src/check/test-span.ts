/**
 * The one span `axonpush-otel check` sends: named so nobody mistakes it for
 * application traffic in AxonPush, with an attribute saying what sent it.
 * A real SDK span (a private provider, never registered globally), so it is
 * mapped exactly as the preload maps an app's spans.
 */
import { SpanKind } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { AlwaysOnSampler, BasicTracerProvider, type ReadableSpan, type SpanProcessor } from "@opentelemetry/sdk-trace-base";

export const CHECK_SPAN_NAME = "axonpush-otel check";

export interface TestSpanInputs {
  serviceName: string;
  serviceVersion?: string;
  environment?: string;
  resourceAttributes: Readonly<Record<string, string>>;
  packageVersion: string;
}

export async function createTestSpan(inputs: TestSpanInputs): Promise<ReadableSpan> {
  let ended: ReadableSpan | undefined;
  const capture: SpanProcessor = {
    onStart() {},
    onEnd(span) {
      ended = span;
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const resource: Record<string, string> = { ...inputs.resourceAttributes, "service.name": inputs.serviceName };
  if (inputs.serviceVersion) resource["service.version"] = inputs.serviceVersion;
  if (inputs.environment) resource["deployment.environment"] = inputs.environment;
  // Always sampled: an app's OTEL_TRACES_SAMPLER (always_off, a low ratio) must not turn the check into a no-op.
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    sampler: new AlwaysOnSampler(),
    spanProcessors: [capture],
  });
  const span = provider.getTracer("axonpush-otel", inputs.packageVersion).startSpan(CHECK_SPAN_NAME, {
    kind: SpanKind.INTERNAL,
    attributes: {
      "axonpush.check": true,
      "axonpush.check.note": "test span sent by `npx axonpush-otel check`; not application traffic",
    },
  });
  span.end();
  await provider.shutdown();
  if (!ended) throw new Error("the test span did not end"); // the SDK always ends it; kept for the type
  return ended;
}
