// The HTTP client's floor: the sender's own transport stack (dist/sender.cjs:
// our HTTP/1.1 client's pool, retries, breaker) posting one prebuilt span-sized event per
// request to the event sink, nothing else in the process. Flat out with 8 in
// flight by default; with a rate, at the app's own pace instead: a burst of
// `burst` requests every burst/rate seconds (the batch processor hands the
// sender 512 spans at a time) over `connections` (the sender's 32). A paced
// client wakes up for fewer requests at a time, so each costs more.
// Prints `BENCH_FLOOR {json}` with CPU time per request.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { AxonPushClient, createEventTransport } = require(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/sender.cjs"));

const [baseUrl, total, rate = 0, burst = 512, connections = 8] = [process.argv[2], ...process.argv.slice(3).map(Number)];
const client = new AxonPushClient({ apiKey: "bench-api-key", tenantId: "bench-tenant", baseUrl });
const transport = createEventTransport(client, { concurrency: connections });
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

let sent = 0;
/** Sends `count` requests, `connections` at a time. */
async function sendBurst(count) {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      sent++;
      await transport.send({ path: "/event", contentType: "application/json", body, idempotencyKey: `floor-${sent}`, spanCount: 1 });
    }
  };
  await Promise.all(Array.from({ length: connections }, lane));
}

/** A burst every burst/rate seconds until `total` are sent; resolves when all are answered. */
async function paced() {
  const periodMs = (1000 * burst) / rate;
  const startedAt = performance.now();
  const bursts = [];
  for (let i = 0; i * burst < total; i++) {
    const waitMs = startedAt + i * periodMs - performance.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    bursts.push(sendBurst(Math.min(burst, total - i * burst)));
  }
  await Promise.all(bursts);
}

// Warm-up (connections, JIT), then the measured run.
await sendBurst(Math.min(total, 5_000));
const cpu = process.cpuUsage();
const startedAt = performance.now();
await (rate > 0 ? paced() : sendBurst(total));
const used = process.cpuUsage(cpu);
const seconds = (performance.now() - startedAt) / 1000;
transport.close();
process.stdout.write(`BENCH_FLOOR ${JSON.stringify({ requests: total, cpuUsPerRequest: (used.user + used.system) / total, rps: total / seconds, rate, burst, connections })}\n`);
