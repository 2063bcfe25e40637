// Minimal 127.0.0.1 HTTP sinks for the preloads to export into. They do as
// little as possible per request, so a benchmark measures the preload and
// not the sink: read the body, count it, answer like the real endpoint.
import http from "node:http";
import { countOtlpSpans } from "./otlp-count.mjs";

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server.address().port));
  });
}

function closeServer(server) {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", () => resolve(Buffer.alloc(0)));
  });
}

/**
 * AxonPush-shaped sink: `POST /event` answers 201 with the contract's
 * response body. With `capture: true` it keeps every parsed event.
 */
export async function startEventSink({ capture = false } = {}) {
  // `spans`: every span received, one per event, or counted inside each OTLP batch.
  const sink = { requests: 0, otlpRequests: 0, bytes: 0, events: [], spans: 0 };
  let nextId = 0;
  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    sink.requests++;
    sink.bytes += body.length;
    if (req.method === "POST" && req.url === "/v1/traces") {
      // our OTLP transport, when configured: one request per batch
      sink.otlpRequests++;
      sink.spans += countOtlpSpans(body, req.headers["content-type"]);
      const json = String(req.headers["content-type"] ?? "").includes("json");
      res.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" });
      res.end(json ? "{}" : undefined);
      return;
    }
    if (req.method !== "POST" || req.url !== "/event") {
      res.writeHead(404, { "content-type": "application/json" });
      res.end('{"code":"not_found","message":"unknown route"}');
      return;
    }
    let identifier = "span";
    sink.spans++;
    if (capture) {
      try {
        const event = JSON.parse(body.toString("utf8"));
        sink.events.push(event);
        identifier = event.identifier ?? identifier;
      } catch {
        // keep counting; a benchmark must never crash on a bad body
      }
    }
    const id = String(++nextId);
    res.writeHead(201, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id,
        eventId: id,
        identifier,
        dedupKey: req.headers["idempotency-key"] ?? id,
        createdAt: new Date().toISOString(),
        queued: true,
      }),
    );
  });
  server.keepAliveTimeout = 30_000;
  const port = await listen(server);
  sink.url = `http://127.0.0.1:${port}`;
  sink.port = port;
  sink.reset = () => {
    sink.requests = 0;
    sink.otlpRequests = 0;
    sink.bytes = 0;
    sink.events = [];
    sink.spans = 0;
  };
  sink.close = () => closeServer(server);
  return sink;
}

/**
 * OTLP/HTTP sink for the official register: answers 200 to `/v1/traces`.
 * With `capture: true` and OTLP JSON bodies it keeps each span's scope and name.
 */
export async function startOtlpSink({ capture = false } = {}) {
  // `spans`: captured spans (with `capture`); `spanCount`: every span received.
  const sink = { requests: 0, bytes: 0, spans: [], spanCount: 0 };
  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    sink.requests++;
    sink.bytes += body.length;
    sink.spanCount += countOtlpSpans(body, req.headers["content-type"]);
    const json = String(req.headers["content-type"] ?? "").includes("json");
    if (capture && json) {
      try {
        const parsed = JSON.parse(body.toString("utf8"));
        for (const rs of parsed.resourceSpans ?? []) {
          for (const ss of rs.scopeSpans ?? []) {
            for (const span of ss.spans ?? []) {
              sink.spans.push({ scope: ss.scope?.name ?? "", name: span.name, kind: span.kind });
            }
          }
        }
      } catch {
        // keep counting
      }
    }
    res.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" });
    res.end(json ? "{}" : undefined);
  });
  server.keepAliveTimeout = 30_000;
  const port = await listen(server);
  sink.url = `http://127.0.0.1:${port}`;
  sink.port = port;
  sink.reset = () => {
    sink.requests = 0;
    sink.bytes = 0;
    sink.spans = [];
    sink.spanCount = 0;
  };
  sink.close = () => closeServer(server);
  return sink;
}

/** A port that was just open and is now closed: connections to it are refused. */
export async function closedPort() {
  const server = http.createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

/**
 * The spans a variant's sink captured (ours: the event sink, official: the
 * OTLP sink) as `{ scope, name, kind }`, read once nothing new has arrived for
 * `quietMs` (the batch processors may still be exporting), or at `deadlineMs`.
 */
export async function settledCapture(sinks, variant, { quietMs, deadlineMs = 8000 }) {
  const read = () =>
    variant.family === "ours"
      ? sinks.event.events.map((e) => ({ scope: e.payload?.scope?.name, name: e.identifier, kind: e.payload?.kind }))
      : sinks.otlp.spans;
  let last = -1;
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const n = read().length;
    if (n === last && n > 0) break;
    last = n;
  }
  return read();
}
