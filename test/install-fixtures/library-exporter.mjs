// A library user with their own provider: `import { AxonPushSpanExporter }
// from "axonpush-otel"` beside their @opentelemetry/api and SDK. One span,
// flushed, then the process ends by itself.
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { AxonPushClient, AxonPushSpanExporter } from "axonpush-otel";

const client = new AxonPushClient({ apiKey: process.env.AXONPUSH_API_KEY, tenantId: process.env.AXONPUSH_TENANT_ID, baseUrl: process.env.AXONPUSH_BASE_URL });
const exporter = new AxonPushSpanExporter({ client, channelId: "ch_library", serviceName: "library-esm", transport: process.env.AXONPUSH_TRANSPORT });
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
trace.setGlobalTracerProvider(provider);
trace.getTracer("install-check").startSpan("library.span", { startTime: [1_700_000_000, 123_456_789] }).end([1_700_000_001, 0]);
await provider.forceFlush();
await provider.shutdown();
console.log("DONE");
