// As library-exporter.mjs, through `require("axonpush-otel")`.
const { trace } = require("@opentelemetry/api");
const { BasicTracerProvider, SimpleSpanProcessor } = require("@opentelemetry/sdk-trace-base");
const { AxonPushClient, AxonPushSpanExporter } = require("axonpush-otel");

const client = new AxonPushClient({ apiKey: process.env.AXONPUSH_API_KEY, tenantId: process.env.AXONPUSH_TENANT_ID, baseUrl: process.env.AXONPUSH_BASE_URL });
const exporter = new AxonPushSpanExporter({ client, channelId: "ch_library", serviceName: "library-cjs", transport: process.env.AXONPUSH_TRANSPORT });
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
trace.setGlobalTracerProvider(provider);
trace.getTracer("install-check").startSpan("library.span", { startTime: [1_700_000_000, 123_456_789] }).end([1_700_000_001, 0]);
provider
  .forceFlush()
  .then(() => provider.shutdown())
  .then(() => console.log("DONE"));
