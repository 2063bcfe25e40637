// 8. Framework spans per request: what each preload produces for Express 5,
// Express 4 and Fastify 5 apps (spans captured by the sinks), and Express 5
// requests/s under each. With AXONPUSH_BENCH_BEFORE=<dir> (a checkout of an
// earlier commit, built, whose node_modules resolve) its preload is measured
// too, as "ours before": the figures before and after a change, one run.
import os from "node:os";
import path from "node:path";
import { spawnUntilLine, runToExit, killChild } from "./lib/child.mjs";
import { makeVariants, oursEnv } from "./lib/variants.mjs";
import { settledCapture, startEventSink, startOtlpSink } from "./lib/sinks.mjs";
import { interleave } from "./startup.mjs";
import { summarize, fmtSummary, fmt, ratio } from "./lib/stats.mjs";
import { table } from "./lib/table.mjs";
import { prepareMajor } from "../fixtures/majors/prepare.mjs";

const APPS = {
  express5: { label: "Express 5", app: "bench/apps/framework-express.cjs", path: "/api/users/42", env: () => ({}) },
  express4: { label: "Express 4", app: "bench/apps/framework-express.cjs", path: "/api/users/42", env: () => ({ EXPRESS_PACKAGE: prepareMajor("express4", "express") }) },
  fastify5: { label: "Fastify 5", app: "bench/apps/framework-fastify.cjs", path: "/items/42", env: () => ({}) },
};
const REQUESTS = 5;
const CONNECTIONS = 10;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const shortScope = (scope) => String(scope ?? "?").replace("@opentelemetry/instrumentation-", "");

/** CommonJS apps, so every preload starts with --require (the official one patches CommonJS only). */
function variantsFor(sinks, before, extraEnv = {}) {
  const all = makeVariants(sinks, { extraEnv });
  const list = [all.bare, all.oursRequire];
  const otlp = { ...all.oursRequire, id: "oursOtlpRequire", label: "ours --require, AXONPUSH_TRANSPORT=otlp", env: oursEnv(sinks.event.url, { AXONPUSH_TRANSPORT: "otlp", ...extraEnv }) };
  list.push(otlp);
  if (before) {
    const args = ["--require", path.join(before, "dist/register.cjs")];
    list.push({ id: "beforeRequire", label: "ours before --require", family: "ours", args, env: all.oursRequire.env });
    list.push({ id: "beforeOtlpRequire", label: "ours before --require, AXONPUSH_TRANSPORT=otlp", family: "ours", args, env: otlp.env });
  }
  list.push(all.officialRequire);
  return list;
}

async function captureSpans(variant, app, sinks) {
  const { child, payload } = await spawnUntilLine([...variant.args, app.app], { env: { ...variant.env, ...app.env() } });
  try {
    // Start-up spans (Fastify's dns.lookup of its host) are exported within the 100 ms delay: leave them out.
    await sleep(600);
    sinks.event.reset();
    sinks.otlp.reset();
    for (let i = 0; i < REQUESTS; i++) await (await fetch(`http://127.0.0.1:${payload.port}${app.path}`)).text();
    return await settledCapture(sinks, variant, { quietMs: 600 });
  } finally {
    await killChild(child);
  }
}

async function measureLoad(ctx, variant, app, settings) {
  const { child, payload } = await spawnUntilLine([...variant.args, app.app], { env: { ...variant.env, ...app.env() } });
  try {
    const r = await runToExit(
      ["bench/workers/load.mjs", `http://127.0.0.1:${payload.port}${app.path}`, String(CONNECTIONS), String(settings.duration), String(settings.warmup)],
      { env: process.env, core: os.cpus().length - 1, timeoutMs: (settings.duration + settings.warmup) * 1000 + 30_000 },
    );
    const line = r.stdout.split("\n").find((l) => l.startsWith("BENCH_LOAD "));
    if (!line) throw new Error(`load generator failed: ${r.stderr.slice(0, 400)}`);
    return JSON.parse(line.slice("BENCH_LOAD ".length));
  } finally {
    await killChild(child);
  }
}

export async function run(ctx) {
  const before = process.env.AXONPUSH_BENCH_BEFORE ? path.resolve(process.env.AXONPUSH_BENCH_BEFORE) : undefined;
  const loadAtStart = os.loadavg()[0];
  const settings = ctx.quick ? { rounds: 2, duration: 2, warmup: 1 } : { rounds: 3, duration: 5, warmup: 1 };
  const captureSinks = { event: await startEventSink({ capture: true }), otlp: await startOtlpSink({ capture: true }) };
  const traced = {};
  try {
    const variants = variantsFor(captureSinks, before, { OTEL_BSP_SCHEDULE_DELAY: "100", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }).filter(
      (v) => v.family !== "bare" && !v.id.includes("Otlp") && (v.family !== "ours" || ctx.ours.available),
    );
    for (const [appId, app] of Object.entries(APPS)) {
      for (const v of variants) traced[`${appId}/${v.id}`] = await captureSpans(v, app, captureSinks);
    }
  } finally {
    await captureSinks.event.close();
    await captureSinks.otlp.close();
  }
  const loadVariants = variantsFor(ctx.sinks, before).filter((v) => v.family !== "ours" || ctx.ours.available);
  const samples = await interleave(loadVariants, settings.rounds, (v) => measureLoad(ctx, v, APPS.express5, settings));
  const load = {};
  for (const v of loadVariants) {
    load[v.id] = {
      label: v.label,
      rps: summarize(samples[v.id].map((s) => s.rps)),
      p99: summarize(samples[v.id].map((s) => s.p99)),
      errors: samples[v.id].reduce((a, s) => a + s.errors + s.non2xx + s.timeouts, 0),
    };
  }
  // The machine may be shared: say how busy it was, beside the figures.
  const loadAverage = { start: loadAtStart, end: os.loadavg()[0], cores: os.cpus().length };
  const data = { requests: REQUESTS, connections: CONNECTIONS, settings, before: before ? path.basename(before) : null, loadAverage, traced, load };
  return { data, markdown: render(ctx, data) };
}

function render(ctx, data) {
  const out = [];
  out.push(
    `Each app (CommonJS, every preload with \`--require\`) got ${data.requests} requests after its start-up spans were exported; spans captured by the sinks as in section 5. Cells = spans per request (scope → span name). "ours before" = the preload of ${data.before ? `\`${data.before}\` (AXONPUSH_BENCH_BEFORE)` : "an earlier build, when AXONPUSH_BENCH_BEFORE names one (not in this run)"}.`,
  );
  if (!ctx.ours.available) out.push(`\n**Ours: not measured** — ${ctx.ours.reason}.`);
  for (const [appId, app] of Object.entries(APPS)) {
    const columns = Object.keys(data.traced).filter((c) => c.startsWith(`${appId}/`));
    const keys = new Set();
    for (const col of columns) for (const s of data.traced[col]) keys.add(`${shortScope(s.scope)} → ${s.name}`);
    const per = (col, n) => fmt(n / data.requests, 2).replace(/\.00$/, "");
    const rows = [...keys].sort().map((key) => [
      `\`${key}\``,
      ...columns.map((col) => {
        const n = data.traced[col].filter((s) => `${shortScope(s.scope)} → ${s.name}` === key).length;
        return n ? per(col, n) : "—";
      }),
    ]);
    rows.push(["**total per request**", ...columns.map((col) => `**${per(col, data.traced[col].length)}**`)]);
    out.push(`\n#### ${app.label}, GET ${app.path}\n`);
    out.push(table(["span", ...columns.map((c) => labelOf(c.split("/")[1]))], rows));
  }
  const busy = data.loadAverage
    ? ` One-minute load average ${fmt(data.loadAverage.start, 1)} at the start, ${fmt(data.loadAverage.end, 1)} at the end, on ${data.loadAverage.cores} cores${data.loadAverage.start > data.loadAverage.cores ? ": the machine was shared and busy, so the absolute figures are far below a quiet run's; compare variants through the ratios of this same run" : ""}.`
    : "";
  out.push(
    `\n#### Express 5 requests/s (GET /api/users/42)\n\nautocannon, ${data.connections} connections, ${data.settings.warmup}s warm-up then ${data.settings.duration}s measured, ${data.settings.rounds} interleaved rounds; server pinned to core 0, load generator and sinks on the other core.${busy}\n`,
  );
  const official = data.load.officialRequire?.rps.median;
  out.push(
    table(
      ["variant", "requests/s", "× bare", "× official", "p99 latency ms", "errors"],
      Object.values(data.load).map((x) => [x.label, fmtSummary(x.rps, 0), ratio(x.rps.median, data.load.bare.rps.median), official ? ratio(x.rps.median, official) : "n/a", fmtSummary(x.p99, 0), String(x.errors)]),
    ),
  );
  return out.join("\n");
}

function labelOf(id) {
  return { oursRequire: "ours", beforeRequire: "ours before", officialRequire: "official" }[id] ?? id;
}

export function headline(data) {
  const per = (col) => (data.traced[col] ? fmt(data.traced[col].length / data.requests, 0) : "n/a");
  const rps = (id) => (data.load[id] ? fmt(data.load[id].rps.median, 0) : "n/a");
  const beforeText = (app) => (data.traced[`${app}/beforeRequire`] ? `, before ${per(`${app}/beforeRequire`)}` : "");
  return [
    `Framework spans per request: Express 5 ours ${per("express5/oursRequire")}${beforeText("express5")}, official ${per("express5/officialRequire")}; Express 4 ours ${per("express4/oursRequire")}, official ${per("express4/officialRequire")}; Fastify 5 ours ${per("fastify5/oursRequire")}${beforeText("fastify5")}, official ${per("fastify5/officialRequire")}.`,
    `Express 5 requests/s (issue 11's app, --require): ours ${rps("oursRequire")}${data.load.beforeRequire ? ` (before ${rps("beforeRequire")})` : ""}, ours OTLP ${rps("oursOtlpRequire")}${data.load.beforeOtlpRequire ? ` (before ${rps("beforeOtlpRequire")})` : ""}, official ${rps("officialRequire")}, bare ${rps("bare")}.`,
  ];
}
