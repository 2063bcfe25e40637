// Load generator at a truly fixed request rate (open loop), run as its own
// process on the harness core: request i is due at start + i / rate, and is
// sent then whether or not earlier answers have come back (up to
// `connections` keep-alive connections; a request finding them all busy
// waits, and that wait counts in its latency). autocannon's `overallRate`
// is not this: each connection fires its per-second quota back to back at
// full speed and then idles until the next second, so a "1,500 requests/s"
// load is a burst at full speed for the first part of every second.
// Latency is measured from when a request was due (no coordinated omission).
// Prints one `BENCH_LOAD {json}` line (rate reached, latency percentiles, errors).
import { Pool } from "undici";
import { percentile } from "../lib/stats.mjs";

const [url, rateArg, durationArg, connectionsArg = "32"] = process.argv.slice(2);
const rate = Number(rateArg);
const durationMs = Number(durationArg) * 1000;
const target = new URL(url);
const pool = new Pool(target.origin, { connections: Number(connectionsArg), keepAliveTimeout: 10_000 });

/** One entry per answered (or failed) request. */
const latencies = [];
let errors = 0;
let sent = 0;
const start = performance.now();
const total = Math.floor((durationMs * rate) / 1000);

function fire(dueAt) {
  pool
    .request({ path: target.pathname + target.search, method: "GET" })
    .then(async ({ statusCode, body }) => {
      await body.dump();
      if (statusCode < 200 || statusCode >= 300) errors++;
    })
    .catch(() => errors++)
    .finally(() => latencies.push(performance.now() - dueAt));
}

await new Promise((resolve) => {
  const tick = () => {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
    while (sent < due) fire(start + (sent++ * 1000) / rate);
    if (sent >= total) return resolve();
    // Timers fire at 1 ms granularity at best: each tick sends every request that has come due.
    setTimeout(tick, Math.max(0, start + (sent * 1000) / rate - performance.now()));
  };
  tick();
});
const sentAt = performance.now();
while (latencies.length < sent && performance.now() - sentAt < 30_000) await new Promise((resolve) => setTimeout(resolve, 5));
const elapsedS = (sentAt - start) / 1000;
await pool.close();

const answered = latencies.length;
const ms = (p) => Math.round(percentile(latencies, p) * 100) / 100;
process.stdout.write(
  `BENCH_LOAD ${JSON.stringify({
    rps: answered / elapsedS,
    total: answered,
    p50: ms(50),
    p99: ms(99),
    errors: errors + (sent - answered),
  })}\n`,
);
