// 10. Log records: what one pino record costs when it also goes to AxonPush
// as an app.log event, beside pino alone, the preload with logs off (trace
// ids written into the line only), and the official register sending it as
// OTLP (its default for pino once OTEL_LOGS_EXPORTER asks).
//
// The app (bench/workers/logs-child.mjs) logs at a steady rate the sink takes
// (bursts of records inside a span) and reports, for the measured window,
// the main thread's own CPU time (Linux schedstat: time on a CPU, not waiting
// for the sender thread or anyone else to let it run) and the whole
// process's (every thread). The same run without records (the same spans and
// pauses) is subtracted; what is left, per record, is the records' cost.
// A storm: 100,000 records in one tight loop, the same figures plus wall time.
import os from "node:os";
import { spawnNode, killChild } from "./lib/child.mjs";
import { makeVariants } from "./lib/variants.mjs";
import { fmt, fmtSummary, summarize } from "./lib/stats.mjs";
import { table } from "./lib/table.mjs";

const WORKER = "bench/workers/logs-child.mjs";

function variantsOf(sinks) {
  const v = makeVariants(sinks);
  return [
    { id: "bare", label: "pino alone (bare node)", args: [], env: v.bare.env },
    { id: "oursNoLogs", label: "ours, AXONPUSH_LOGS=false (trace ids in the line only)", args: v.oursImport.args, env: { ...v.oursImport.env, AXONPUSH_LOGS: "false" } },
    { id: "ours", label: "ours: each record an app.log event (POST /event each)", args: v.oursImport.args, env: v.oursImport.env },
    {
      id: "oursOtlp",
      label: "ours, AXONPUSH_TRANSPORT=otlp: records in OTLP batches (/v1/logs)",
      args: v.oursOtlpImport.args,
      // The OTLP sink answers every path: /v1/logs included.
      env: { ...v.oursOtlpImport.env, AXONPUSH_BASE_URL: sinks.otlp.url },
    },
    { id: "official", label: "official register, OTEL_LOGS_EXPORTER=otlp", args: v.officialImport.args, env: { ...v.officialImport.env, OTEL_LOGS_EXPORTER: "otlp" } },
  ];
}

/** Runs the worker to its end; resolves with its BENCH_RESULT. */
function runWorker(variant, workerArgs) {
  // Every core, not only the harness's (a child inherits its pinning): the sender thread runs beside
  // the app's thread, as on a real machine.
  const child = spawnNode([...variant.args, WORKER, ...workerArgs], { env: variant.env, core: `0-${os.cpus().length - 1}` });
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => killChild(child), 120_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
      if (code !== 0 || !line) return reject(new Error(`${variant.id} ${workerArgs.join(" ")} exited ${code}: ${stderr.slice(0, 400)}`));
      resolve(JSON.parse(line.slice("BENCH_RESULT ".length)));
    });
  });
}

export async function run(ctx) {
  const rounds = ctx.quick ? 2 : 5;
  // 5,000 records/s in bursts of 250 for 2 s (4 s in a full run).
  const bursts = ctx.quick ? 40 : 80;
  const perBurst = 250;
  const intervalMs = 50;
  const stormRecords = 100_000;
  const perVariant = {};
  for (const variant of variantsOf(ctx.sinks)) {
    const main = [];
    const whole = [];
    const stormMain = [];
    const stormWall = [];
    for (let r = 0; r < rounds; r++) {
      const full = await runWorker(variant, ["steady", String(bursts), String(perBurst), String(intervalMs)]);
      const empty = await runWorker(variant, ["steady", String(bursts), "0", String(intervalMs)]);
      main.push((full.mainCpuUs - empty.mainCpuUs) / full.records);
      whole.push((full.processCpuUs - empty.processCpuUs) / full.records);
      const storm = await runWorker(variant, ["storm", String(stormRecords)]);
      stormMain.push(storm.mainCpuUs / storm.records);
      stormWall.push(storm.wallMs);
    }
    perVariant[variant.id] = {
      label: variant.label,
      mainUs: summarize(main),
      processUs: summarize(whole),
      stormMainUs: summarize(stormMain),
      stormWallMs: summarize(stormWall),
    };
    ctx.log(variant.id, `${fmt(perVariant[variant.id].mainUs.median, 2)} µs/record on the app's thread, ${fmt(perVariant[variant.id].processUs.median, 1)} µs whole process; storm ${fmt(perVariant[variant.id].stormWallMs.median, 0)} ms`);
  }
  const data = { rounds, bursts, perBurst, intervalMs, stormRecords, perVariant };
  return { data, markdown: render(data) };
}

function render(data) {
  const rate = (1000 / data.intervalMs) * data.perBurst;
  const storm = data.stormRecords.toLocaleString("en-US");
  return [
    `One pino record (\`log.info({ user, route, ok }, "order loaded")\`, to /dev/null) inside an active span. ` +
      `The app may run on every core (the harness and its sinks share the last one). **Steady**: ${data.bursts} bursts of ${data.perBurst} records, ${fmt(rate, 0)} records/s (a rate the sink takes); CPU time in the window minus the same run without records, per record: ` +
      `the app's (main) thread alone (Linux schedstat), and the whole process (\`process.cpuUsage()\`: every thread, ours with its sender thread, where records become requests). ` +
      `**Storm**: ${storm} records in one tight loop: the app's thread's CPU per record, and wall time (ours drops what its log budget cannot hold, and says so). Medians of ${data.rounds} runs (min–max).`,
    "",
    table(
      ["app", "steady: app's thread µs per record", "steady: whole process µs per record", `storm of ${storm}: app's thread µs per record`, `storm of ${storm}: wall ms`],
      Object.values(data.perVariant).map((v) => [v.label, fmtSummary(v.mainUs, 2), fmtSummary(v.processUs, 1), fmtSummary(v.stormMainUs, 2), fmtSummary(v.stormWallMs, 0)]),
    ),
  ].join("\n");
}

export function headline(data) {
  const { ours, oursNoLogs, oursOtlp, bare } = data.perVariant;
  if (!ours || !oursNoLogs || !bare) return [];
  return [
    `Log records: ${fmt(ours.mainUs.median - oursNoLogs.mainUs.median, 2)} µs more on the app's thread per pino record sent as an app.log event than with AXONPUSH_LOGS=false ` +
      `(pino alone ${fmt(bare.mainUs.median, 2)} µs); whole process ${fmt(ours.processUs.median, 1)} µs per record with one POST /event each` +
      `${oursOtlp ? `, ${fmt(oursOtlp.processUs.median, 1)} µs with AXONPUSH_TRANSPORT=otlp` : ""}.`,
  ];
}
