// An ES module app under `--import axonpush-otel/register`, run from an
// install of the packed tarball. GET /work makes a manual span with the
// app's own @opentelemetry/api (when installed), which must join the
// preload's trace: one global registration shared by both copies of the api.
import http from "node:http";

let tracer;
try {
  const { trace } = await import("@opentelemetry/api");
  tracer = trace.getTracer("install-check");
} catch {
  tracer = undefined; // the app has no @opentelemetry/api: only automatic spans
}

const server = http.createServer((req, res) => {
  if (!tracer) return res.end("no api");
  tracer.startActiveSpan("manual.work", (span) => {
    span.end();
    res.end("worked");
  });
});
server.listen(0, "127.0.0.1", () => console.log(`READY ${server.address().port}`));
