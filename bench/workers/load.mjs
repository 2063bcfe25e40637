// Load generator, run as its own process on the harness core: a warm-up,
// then one bounded autocannon run with fixed connections. Prints one JSON line.
import autocannon from "autocannon";

const [url, connections, durationS, warmupS] = process.argv.slice(2);

function once(duration) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: Number(connections), duration: Number(duration) }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

if (Number(warmupS) > 0) await once(warmupS);
const r = await once(durationS);
process.stdout.write(
  `BENCH_LOAD ${JSON.stringify({
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
    errors: r.errors,
    non2xx: r.non2xx,
    timeouts: r.timeouts,
  })}\n`,
);
