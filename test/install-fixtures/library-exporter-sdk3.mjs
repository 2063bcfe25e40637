// A library user on the OpenTelemetry JS 3.x SDK (@opentelemetry/sdk-trace
// 3.x, @opentelemetry/api 1.10, Node >= 22.15): our exporter in their own
// provider, whose processors take `{ exporter }`. A parent and a child with an
// event, an attribute and an error status, flushed, then the process ends.
import { context, trace, SpanStatusCode } from "@opentelemetry/api";
import { SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { AxonPushClient, AxonPushSpanExporter } from "axonpush-otel";

const client = new AxonPushClient({ apiKey: process.env.AXONPUSH_API_KEY, tenantId: process.env.AXONPUSH_TENANT_ID, baseUrl: process.env.AXONPUSH_BASE_URL });
const exporter = new AxonPushSpanExporter({ client, channelId: "ch_library", serviceName: "library-sdk3", transport: process.env.AXONPUSH_TRANSPORT });
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
trace.setGlobalTracerProvider(provider);

const tracer = trace.getTracer("install-check-sdk3", "3.0.0");
const parent = tracer.startSpan("sdk3.parent", { startTime: [1_700_000_000, 123_456_789] });
const child = tracer.startSpan("sdk3.child", { attributes: { "app.count": 7 } }, trace.setSpan(context.active(), parent));
child.addEvent("sdk3.event", { "event.key": "value" });
child.setStatus({ code: SpanStatusCode.ERROR, message: "went wrong" });
child.end();
parent.end([1_700_000_001, 0]);
await provider.forceFlush();
await provider.shutdown();
console.log("DONE");
