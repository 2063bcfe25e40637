// The library's local receiver decoding OTLP protobuf (protobufjs is bundled
// in the library entry): a span sent by the exporter's otlp transport must
// arrive with its nanosecond start time exact (64-bit, beyond 2^53).
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { AxonPushClient, AxonPushSpanExporter, startLocalReceiver } from "axonpush-otel";

const receiver = await startLocalReceiver({ apiKey: "ak_local", tenantId: "tenant_local" });
const client = new AxonPushClient({ apiKey: "ak_local", tenantId: "tenant_local", baseUrl: receiver.url });
const exporter = new AxonPushSpanExporter({ client, channelId: "ch_local", serviceName: "library-receiver", transport: "otlp" });
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.getTracer("install-check").startSpan("otlp.span", { startTime: [1_700_000_000, 123_456_789] }).end([1_700_000_001, 0]);
await provider.forceFlush();
const [span] = await receiver.waitForSpans(1, 10_000);
await provider.shutdown();
await receiver.close();
console.log(JSON.stringify({ name: span.name, via: span.via, startTimeUnixNano: span.startTimeUnixNano }));
