// The app of `npm run bench logs`: pino logging to /dev/null, run bare or
// under a preload.
//
//   node bench/workers/logs-child.mjs steady <bursts> <perBurst> <intervalMs>
//     `bursts` times: a span with `perBurst` pino records inside it, then a
//     pause of `intervalMs` (a steady rate the sink can take).
//   node bench/workers/logs-child.mjs storm <records>
//     `records` records in one tight loop (inside one span).
//
// Either prints `BENCH_RESULT {"records","wallMs","mainCpuUs","processCpuUs"}`
// for the measured part (after a warm-up): the main thread's own CPU time
// (Linux's /proc/self/task/<pid>/schedstat: time on a CPU, whatever the other
// threads do), the whole process's (`process.cpuUsage()`, every thread),
// then waits a moment for delivery and exits.
import { createRequire } from "node:module";
import { trace } from "@opentelemetry/api";

// Required, not imported: with an ES module import of pino the official register sent no record at
// all (its hooks do not see it), and the comparison needs pino instrumented under both preloads.
const pino = createRequire(import.meta.url)("pino");
const { mainThreadSchedule } = createRequire(import.meta.url)("../apps/main-thread-schedule.cjs");

const [mode, ...args] = process.argv.slice(2);
const log = pino({ base: undefined }, pino.destination("/dev/null"));
const tracer = trace.getTracer("bench-logs");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function burst(records, offset) {
  tracer.startActiveSpan("bench.burst", (span) => {
    for (let i = 0; i < records; i++) log.info({ user: offset + i, route: "/orders", ok: true }, "order loaded");
    span.end();
  });
}

async function measured(records, work) {
  const cpu = process.cpuUsage();
  const main = mainThreadSchedule().cpuMs;
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const mainCpuUs = (mainThreadSchedule().cpuMs - main) * 1000;
  const used = process.cpuUsage(cpu);
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ records, wallMs, mainCpuUs, processCpuUs: used.user + used.system })}\n`);
}

if (mode === "steady") {
  const [bursts, perBurst, intervalMs] = args.map(Number);
  // Warm-up: the JIT, the sender thread started, the first resources described.
  for (let b = 0; b < 20; b++) {
    burst(perBurst, 0);
    await sleep(intervalMs);
  }
  await measured(bursts * perBurst, async () => {
    for (let b = 0; b < bursts; b++) {
      burst(perBurst, b * perBurst);
      await sleep(intervalMs);
    }
  });
} else if (mode === "storm") {
  const records = Number(args[0]);
  burst(2000, 0);
  await sleep(200);
  await measured(records, async () => {
    burst(records, 0);
    // The last records' hand-over, at the end of the turn.
    await new Promise((resolve) => setImmediate(resolve));
  });
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
await sleep(1500);
process.exit(0);
