// Exporter worker (one process per variant and round, driven over IPC):
// 1. time export() on the caller for 512-span batches;
// 2. produce spans at increasing rates, measuring event-loop delay (p99)
//    while exporting and counting every span through to the export result.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { makeExporter, makeProvider, collectSpans } from "./tracing.mjs";

const [kind, url, ratesArg, phaseMsArg, exportCallsArg] = process.argv.slice(2);
const rates = ratesArg.split(",").map(Number);
const phaseMs = Number(phaseMsArg);
const exportCalls = Number(exportCallsArg);
const send = (msg) => new Promise((resolve) => process.send(msg, resolve));
const nextGo = () => new Promise((resolve) => process.once("message", resolve));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// 1. Caller-side cost of export(): each call starts on an empty queue (we
// wait for its result before the next), so only the synchronous part is timed.
const exportCallUs = [];
{
  const exporter = await makeExporter(kind, url);
  const batch = collectSpans(512);
  for (let i = 0; i < exportCalls; i++) {
    let settled;
    const done = new Promise((r) => (settled = r));
    const t0 = process.hrtime.bigint();
    exporter.export(batch, (result) => settled(result));
    const dt = Number(process.hrtime.bigint() - t0) / 1000;
    exportCallUs.push(dt / batch.length);
    await done;
  }
  await exporter.shutdown();
}
await send({ type: "exportCall", perSpanUs: exportCallUs });
await nextGo();

// 2. Rate phases on one provider.
const exporter = await makeExporter(kind, url);
const { provider, counting, makeSpan, stats } = makeProvider(exporter);
const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();
for (const rate of rates) {
  const before = { created: stats.created, handed: counting.handed, ok: counting.ok, failed: counting.failed };
  eld.reset();
  const cpu0 = process.cpuUsage();
  const perTick = rate / 100;
  let owed = 0;
  const t0 = performance.now();
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      // Catch up on the ticks a busy loop missed, so the rate is the rate.
      const due = ((performance.now() - t0) / 1000) * rate;
      owed = due - (stats.created - before.created);
      for (let i = 0; i < Math.floor(owed); i++) makeSpan();
      if (performance.now() - t0 >= phaseMs) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  const producingMs = performance.now() - t0;
  const eldP99Ms = eld.percentile(99) / 1e6;
  const eldMaxMs = eld.max / 1e6;
  const f0 = performance.now();
  // forceFlush rejects when a batch was (partly) not delivered: counted below.
  await provider.forceFlush().catch(() => {});
  // Ours answers export() on hand-over: its own forceFlush waits for delivery (OpenTelemetry's
  // batch processor does not call it).
  await exporter.forceFlush?.().catch(() => {});
  const flushMs = performance.now() - f0;
  const cpu = process.cpuUsage(cpu0);
  await send({
    type: "phase",
    rate,
    perTick,
    created: stats.created - before.created,
    handed: counting.handed - before.handed,
    ok: counting.ok - before.ok,
    failed: counting.failed - before.failed,
    producingMs,
    flushMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    eldP99Ms,
    eldMaxMs,
  });
  await nextGo();
  await sleep(50);
}
eld.disable();
await provider.shutdown().catch(() => {});
await send({ type: "done" });
process.disconnect();
