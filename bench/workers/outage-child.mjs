// Outage worker: 100k spans at a steady rate while the receiver is down
// (a closed port). Samples RSS, measures a 5 ms timer's lag (the app's
// latency), counts drops, then times shutdown. Prints one JSON line.
import { makeExporter, makeProvider } from "./tracing.mjs";

const [kind, url, totalArg, rateArg, tailMsArg] = process.argv.slice(2);
const total = Number(totalArg);
const rate = Number(rateArg);
const tailMs = Number(tailMsArg);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssMiB = () => process.memoryUsage().rss / 1024 / 1024;

const warnings = [];
process.removeAllListeners("warning");
process.on("warning", (w) => warnings.push(String(w.message)));

const exporter = await makeExporter(kind, url);
const { provider, counting, makeSpan, stats } = makeProvider(exporter);
await sleep(200);
const rssBefore = rssMiB();
let rssPeak = rssBefore;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMiB())), 20);

// The app's latency: how late a 5 ms timer fires.
const lags = [];
let last = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  lags.push(Math.max(0, now - last - 5));
  last = now;
}, 5);

const t0 = performance.now();
await new Promise((resolve) => {
  const producer = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    while (stats.created < due) makeSpan();
    if (stats.created >= total) {
      clearInterval(producer);
      resolve();
    }
  }, 10);
});
const producingMs = performance.now() - t0;
await sleep(tailMs);
clearInterval(ticker);
clearInterval(sampler);
rssPeak = Math.max(rssPeak, rssMiB());
const rssEnd = rssMiB();

const s0 = performance.now();
const shutdownOutcome = await Promise.race([
  provider.shutdown().then(() => "resolved", () => "rejected"),
  sleep(8_000).then(() => "still pending after 8 s"),
]);
const shutdownMs = performance.now() - s0;

lags.sort((a, b) => a - b);
const pct = (p) => lags[Math.min(lags.length - 1, Math.ceil((p / 100) * lags.length) - 1)] ?? NaN;
process.stdout.write(
  `BENCH_OUTAGE ${JSON.stringify({
    kind,
    created: stats.created,
    handed: counting.handed,
    failed: counting.failed,
    ok: counting.ok,
    producingMs,
    rssBefore,
    rssPeak,
    rssEnd,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    lagP50: pct(50),
    lagP99: pct(99),
    lagMax: lags.at(-1),
    shutdownMs,
    shutdownOutcome,
    warnings: warnings.slice(0, 3),
    warningCount: warnings.length,
  })}\n`,
);
process.exit(0);
