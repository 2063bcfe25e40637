// Ends manual spans at a fixed rate, to find the highest rate a preload's
// exporter delivers with nothing lost: after BENCH_READY, the first SIGUSR2
// starts `EMIT_RATE` spans a second (in 10 ms ticks) for `EMIT_SECONDS`, then
// it prints `BENCH_EMITTED {json}` with the number ended and the main thread's
// event-loop utilisation while emitting.
"use strict";
const http = require("node:http");
const { trace } = require("@opentelemetry/api");
const { reportReady } = require("./report.cjs");

const rate = Number(process.env.EMIT_RATE ?? 1000);
const seconds = Number(process.env.EMIT_SECONDS ?? 5);
const tracer = trace.getTracer("span-emitter");
const server = http.createServer((req, res) => res.end("ok"));

function emit() {
  const perTick = rate / 100;
  let due = 0;
  let ended = 0;
  const elu = performance.eventLoopUtilization();
  const startedAt = performance.now();
  const timer = setInterval(() => {
    const elapsed = performance.now() - startedAt;
    if (elapsed >= seconds * 1000) {
      clearInterval(timer);
      const used = performance.eventLoopUtilization(elu).utilization;
      process.stdout.write(`BENCH_EMITTED ${JSON.stringify({ ended, elu: used })}\n`);
      return;
    }
    due += perTick;
    while (ended < due) {
      const span = tracer.startSpan("emitted", { attributes: { "emit.index": ended, "http.route": "/bench/:id" } });
      span.end();
      ended++;
    }
  }, 10);
}

process.once("SIGUSR2", emit);
server.listen(0, "127.0.0.1", () => reportReady(server));
