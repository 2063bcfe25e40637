// A CommonJS app under the preload, run from an install of the packed
// tarball. GET /work makes a manual span with the app's own
// @opentelemetry/api; GET /exit answers, then ends the process with
// process.exit(0), so undelivered spans go out through the exit-time worker.
const http = require("node:http");

let tracer;
try {
  tracer = require("@opentelemetry/api").trace.getTracer("install-check");
} catch {
  tracer = undefined; // the app has no @opentelemetry/api: only automatic spans
}

const server = http.createServer((req, res) => {
  if (req.url === "/exit") {
    res.end("bye", () => process.exit(0));
    return;
  }
  if (!tracer) return res.end("no api");
  tracer.startActiveSpan("manual.work", (span) => {
    span.end();
    res.end("worked");
  });
});
server.listen(0, "127.0.0.1", () => console.log(`READY ${server.address().port}`));
