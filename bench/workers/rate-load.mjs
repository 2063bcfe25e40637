// Load generator at a fixed request rate, run as its own process on the
// harness core: autocannon with `overallRate`, for a bounded time. Prints one
// `BENCH_LOAD {json}` line (rate reached, latency percentiles, errors).
import autocannon from "autocannon";

const [url, rate, durationS, connections = "10"] = process.argv.slice(2);
const r = await autocannon({ url, connections: Number(connections), overallRate: Number(rate), duration: Number(durationS) });
process.stdout.write(
  `BENCH_LOAD ${JSON.stringify({
    rps: r.requests.average,
    total: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
  })}\n`,
);
