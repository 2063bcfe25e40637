// The HTTP client's floor: the sender's own transport stack (dist/sender.cjs:
// undici's pool, retries, breaker) posting one prebuilt span-sized event per
// request to the event sink, 8 in flight, nothing else in the process.
// Prints `BENCH_FLOOR {json}` with CPU time per request.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { AxonPushClient, createEventTransport } = require(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/sender.cjs"));

const [baseUrl, total] = [process.argv[2], Number(process.argv[3])];
const client = new AxonPushClient({ apiKey: "bench-api-key", tenantId: "bench-tenant", baseUrl });
const transport = createEventTransport(client, { concurrency: 8 });
const body = JSON.stringify({
  identifier: "GET /users/:id",
  eventType: "app.span",
  channel_id: "bench-channel",
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: "00f067aa0ba902b7",
  metadata: { framework: "opentelemetry" },
  dedupKey: "otel:4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7",
  payload: {
    name: "GET /users/:id",
    kind: "SERVER",
    status: "UNSET",
    attributes: { "http.request.method": "GET", "url.path": "/users/42", "http.route": "/users/:id", "http.response.status_code": "200", "server.address": "127.0.0.1", "user_agent.original": "autocannon" },
    startTimeUnixNano: "1764860000000000000",
    endTimeUnixNano: "1764860000001234567",
    resource: { "service.name": "bench-app", "host.name": "bench-host", "process.pid": "1234", "process.runtime.name": "nodejs", "telemetry.sdk.name": "opentelemetry" },
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: "00f067aa0ba902b7",
    events: [],
    links: [],
    scope: { name: "@opentelemetry/instrumentation-http", version: "0.223.0" },
  },
});

let next = 0;
async function lane() {
  while (next < total) {
    next++;
    await transport.send({ path: "/event", contentType: "application/json", body, idempotencyKey: `floor-${next}`, spanCount: 1 });
  }
}
// Warm-up (connections, JIT), then the measured run.
await Promise.all(Array.from({ length: 8 }, lane));
next = 0;
const cpu = process.cpuUsage();
const startedAt = performance.now();
await Promise.all(Array.from({ length: 8 }, lane));
const used = process.cpuUsage(cpu);
const seconds = (performance.now() - startedAt) / 1000;
transport.close();
process.stdout.write(`BENCH_FLOOR ${JSON.stringify({ requests: total, cpuUsPerRequest: (used.user + used.system) / total, rps: total / seconds })}\n`);
