// 2. Request overhead: a node:http server and a CommonJS Express server
// under autocannon (fixed connections, bounded duration, warm-up first):
// bare vs ours vs official. Requests/s and p99 latency.
import os from "node:os";
import { spawnUntilLine, runToExit, killChild } from "./lib/child.mjs";
import { pickVariants, interleave } from "./startup.mjs";
import { oursHasOtlpTransport } from "./lib/variants.mjs";
import { summarize, fmtSummary, fmt, ratio } from "./lib/stats.mjs";
import { table } from "./lib/table.mjs";

const SERVERS = {
  http: { label: "node:http server, GET /", app: "bench/apps/http-app.cjs", path: "/" },
  express: { label: "Express server (CommonJS), GET /users/42", app: "bench/apps/express-app.cjs", path: "/users/42" },
};
const CONNECTIONS = 10;

async function measureLoad(ctx, variant, server, settings) {
  const before = { event: ctx.sinks.event.requests, ourOtlp: ctx.sinks.event.otlpRequests, otlp: ctx.sinks.otlp.requests };
  const { child, payload } = await spawnUntilLine([...variant.args, server.app], { env: variant.env });
  try {
    const url = `http://127.0.0.1:${payload.port}${server.path}`;
    const r = await runToExit(
      ["bench/workers/load.mjs", url, String(CONNECTIONS), String(settings.duration), String(settings.warmup)],
      { env: process.env, core: os.cpus().length - 1, timeoutMs: (settings.duration + settings.warmup) * 1000 + 30_000 },
    );
    const line = r.stdout.split("\n").find((l) => l.startsWith("BENCH_LOAD "));
    if (!line) throw new Error(`load generator failed: ${r.stderr.slice(0, 400)}`);
    const load = JSON.parse(line.slice("BENCH_LOAD ".length));
    return {
      ...load,
      sinkRequests: ctx.sinks.event.requests - before.event + (ctx.sinks.otlp.requests - before.otlp),
      // requests our OTLP transport sent to /v1/traces (0 while it is not in use)
      ourOtlpRequests: ctx.sinks.event.otlpRequests - before.ourOtlp,
    };
  } finally {
    await killChild(child);
  }
}

export async function run(ctx) {
  const settings = ctx.quick ? { rounds: 2, duration: 2, warmup: 1 } : { rounds: 3, duration: 5, warmup: 1 };
  const ids = ["bare", "oursImport", ...(oursHasOtlpTransport() ? ["oursOtlpImport"] : []), "officialImport"];
  const variants = pickVariants(ctx, ids);
  const results = {};
  for (const [id, server] of Object.entries(SERVERS)) {
    const samples = await interleave(variants, settings.rounds, (v) => measureLoad(ctx, v, server, settings));
    results[id] = {};
    for (const v of variants) {
      const s = samples[v.id];
      results[id][v.id] = {
        rps: summarize(s.map((x) => x.rps)),
        p99: summarize(s.map((x) => x.p99)),
        errors: s.reduce((a, x) => a + x.errors + x.non2xx + x.timeouts, 0),
        sinkRequests: summarize(s.map((x) => x.sinkRequests)),
        ourOtlpRequests: summarize(s.map((x) => x.ourOtlpRequests ?? 0)),
      };
    }
    ctx.log(id, JSON.stringify(results[id]));
  }
  return { data: { settings, connections: CONNECTIONS, results }, markdown: render(ctx, settings, results, variants) };
}

function render(ctx, settings, results, variants) {
  const out = [];
  out.push(
    `autocannon, ${CONNECTIONS} connections, ${settings.warmup}s warm-up then ${settings.duration}s measured, ${settings.rounds} interleaved rounds; server pinned to core 0, load generator and sinks on the other core. Both preloads started with \`--import\`. "sink requests" = export requests the sink received during the run (the official exporter batches up to 512 spans per request, ours sends one request per span).`,
  );
  if (!ctx.ours.available) out.push(`\n**Ours: not measured** — ${ctx.ours.reason}.`);
  for (const [id, server] of Object.entries(SERVERS)) {
    const r = results[id];
    const rows = variants.map((v) => [
      v.label,
      fmtSummary(r[v.id].rps, 0),
      ratio(r[v.id].rps.median, r.bare.rps.median),
      r.officialImport ? ratio(r[v.id].rps.median, r.officialImport.rps.median) : "n/a",
      fmtSummary(r[v.id].p99, 0),
      v.family === "ours" ? `${fmtSummary(r[v.id].sinkRequests, 0)}; to /v1/traces: ${fmt(r[v.id].ourOtlpRequests?.median ?? 0, 0)}` : fmtSummary(r[v.id].sinkRequests, 0),
      String(r[v.id].errors),
    ]);
    out.push(`\n#### ${server.label}\n`);
    out.push(table(["variant", "requests/s", "× bare", "× official", "p99 latency ms", "sink requests", "errors"], rows));
  }
  if (ctx.ours.available) {
    const e = results.express;
    for (const id of ["oursImport", "oursOtlpImport"].filter((k) => e[k])) {
      const x = e[id].rps.median / e.officialImport.rps.median;
      out.push(`\n**Target (Express throughput ≥ official's), ${variants.find((v) => v.id === id).label}:** ${fmt(x, 2)}× → ${x >= 1 ? "met" : "NOT met"}.`);
    }
    if (e.oursOtlpImport && !(e.oursOtlpImport.ourOtlpRequests?.median > 0)) {
      out.push(`\n_(\`AXONPUSH_TRANSPORT=otlp\` was set but the sink saw no /v1/traces request: the OTLP transport was not in effect in this build, so that row measures the events transport.)_`);
    }
    if (!e.oursOtlpImport) out.push(`\n_(ours with \`AXONPUSH_TRANSPORT=otlp\` not measured: the built preload did not read that variable when this ran.)_`);
  }
  return out.join("\n");
}

export function headline(data) {
  const e = data.results.express;
  const h = data.results.http;
  const lines = [];
  for (const id of ["oursImport", "oursOtlpImport", "officialImport"].filter((k) => e[k])) {
    const name = id === "officialImport" ? "official" : id === "oursImport" ? "ours" : "ours (OTLP transport)";
    lines.push(
      id === "officialImport"
        ? `Requests/s under the official register: Express ${fmt(e[id].rps.median, 0)} (${ratio(e[id].rps.median, e.bare.rps.median)} bare, p99 ${fmt(e[id].p99.median, 0)} ms); node:http ${ratio(h[id].rps.median, h.bare.rps.median)} bare.`
        : `Requests/s under ${name}: Express ${fmt(e[id].rps.median, 0)} (${ratio(e[id].rps.median, e.bare.rps.median)} bare, ${ratio(e[id].rps.median, e.officialImport.rps.median)} official; target ≥ 1.00×; p99 ${fmt(e[id].p99.median, 0)} ms); node:http ${ratio(h[id].rps.median, h.bare.rps.median)} bare, ${ratio(h[id].rps.median, h.officialImport.rps.median)} official.`,
    );
  }
  return lines;
}
