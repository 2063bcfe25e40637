// 4. Memory under an outage: 100k spans with the receiver down. Peak RSS
// against the start, drops counted, the app's timer lag against a no-op
// exporter; ours vs the official OTLP exporter.
import { runToExit } from "./lib/child.mjs";
import { cleanEnv } from "./lib/variants.mjs";
import { closedPort } from "./lib/sinks.mjs";
import { loadOursLibrary } from "./lib/ours-library.mjs";
import { summarize, fmtSummary, fmt } from "./lib/stats.mjs";
import { table } from "./lib/table.mjs";

export async function run(ctx) {
  const settings = ctx.quick
    ? { rounds: 1, total: 100_000, rate: 25_000, tailMs: 1000 }
    : { rounds: 3, total: 100_000, rate: 25_000, tailMs: 2000 };
  const lib = await loadOursLibrary();
  const oursReady = typeof lib.AxonPushSpanExporter === "function";
  const kinds = ["noop", ...(oursReady ? ["ours"] : []), "otlp"];
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}`;
  const samples = Object.fromEntries(kinds.map((k) => [k, []]));
  for (let round = 0; round < settings.rounds; round++) {
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[(i + round) % kinds.length];
      const r = await runToExit(
        ["bench/workers/outage-child.mjs", kind, url, String(settings.total), String(settings.rate), String(settings.tailMs)],
        { env: cleanEnv(), timeoutMs: 60_000 },
      );
      const line = r.stdout.split("\n").find((l) => l.startsWith("BENCH_OUTAGE "));
      if (!line) throw new Error(`outage worker ${kind} failed (${r.code}): ${r.stderr.slice(0, 500)}`);
      samples[kind].push(JSON.parse(line.slice("BENCH_OUTAGE ".length)));
    }
  }
  const data = { settings, oursReady, perKind: {} };
  for (const kind of kinds) {
    const s = samples[kind];
    data.perKind[kind] = {
      rssGrowth: summarize(s.map((x) => x.rssPeak - x.rssBefore)),
      rssBefore: summarize(s.map((x) => x.rssBefore)),
      rssPeak: summarize(s.map((x) => x.rssPeak)),
      lagP99: summarize(s.map((x) => x.lagP99)),
      lagMax: summarize(s.map((x) => x.lagMax)),
      droppedByBsp: summarize(s.map((x) => x.created - x.handed)),
      failedByExporter: summarize(s.map((x) => x.failed)),
      delivered: summarize(s.map((x) => x.ok)),
      shutdownMs: summarize(s.map((x) => x.shutdownMs)),
      shutdownOutcomes: [...new Set(s.map((x) => x.shutdownOutcome))],
      warnings: s[0].warnings,
      warningCount: summarize(s.map((x) => x.warningCount)),
    };
  }
  return { data, markdown: render(ctx, settings, data, kinds) };
}

function render(ctx, settings, data, kinds) {
  const label = { noop: "no-op exporter (baseline)", ours: "ours (AxonPushSpanExporter)", otlp: "official OTLPTraceExporter (proto)" };
  const out = [];
  out.push(
    `A worker process (core 0): \`NodeTracerProvider\` + \`BatchSpanProcessor\` (defaults: queue 2048, batch 512) + the exporter pointed at a closed 127.0.0.1 port (connection refused). ${settings.total.toLocaleString("en-US")} spans at ${settings.rate.toLocaleString("en-US")} spans/s, then ${settings.tailMs} ms more; RSS sampled every 20 ms; app latency = lateness of a 5 ms \`setInterval\`; then \`provider.shutdown()\` is timed. ${settings.rounds} round(s), interleaved. "dropped by batch processor" = created − handed to the exporter; "failed by exporter" = spans whose export callback reported failure; "delivered" = spans whose callback reported success. Ours answers \`export()\` once its sender thread holds the spans, so its callback says success for every span handed over, and what it then loses is counted by cause in its warnings (below), not in these two columns.`,
  );
  if (!data.oursReady) out.push(`\n**Ours: not measured** — dist/index.js did not export \`AxonPushSpanExporter\` when this ran.`);
  out.push("");
  out.push(
    table(
      ["exporter", "RSS before MiB", "peak RSS growth MiB", "timer lag p99 ms", "timer lag max ms", "dropped by batch processor", "failed by exporter", "delivered", "shutdown ms", "warnings"],
      kinds.map((k) => {
        const x = data.perKind[k];
        return [
          label[k],
          fmt(x.rssBefore.median, 1),
          fmtSummary(x.rssGrowth, 1),
          fmtSummary(x.lagP99, 2),
          fmtSummary(x.lagMax, 1),
          fmt(x.droppedByBsp.median, 0),
          fmt(x.failedByExporter.median, 0),
          fmt(x.delivered.median, 0),
          `${fmtSummary(x.shutdownMs, 0)} (${x.shutdownOutcomes.join(", ")})`,
          fmt(x.warningCount.median, 0),
        ];
      }),
    ),
  );
  if (data.perKind.ours?.warnings?.length) {
    out.push(`\nOur warnings (first round, up to 3):`);
    for (const w of data.perKind.ours.warnings) out.push(`- \`${w}\``);
  }
  return out.join("\n");
}

export function headline(data) {
  const lines = [];
  for (const [kind, name] of [["ours", "ours"], ["otlp", "official OTLP exporter"]]) {
    const x = data.perKind[kind];
    if (!x) continue;
    lines.push(
      `Outage (100k spans, receiver down), ${name}: peak RSS growth ${fmt(x.rssGrowth.median, 1)} MiB (max ${fmt(x.rssGrowth.max, 1)}; no-op exporter ${fmt(data.perKind.noop.rssGrowth.median, 1)}), timer lag p99 ${fmt(x.lagP99.median, 2)} ms (no-op ${fmt(data.perKind.noop.lagP99.median, 2)}), ${fmt(x.droppedByBsp.median, 0)} dropped by the batch processor, \`provider.shutdown()\` ${x.shutdownOutcomes.some((o) => o.includes("pending")) ? "still pending when given up at 8 s" : `${x.shutdownOutcomes.join("/")} after ${fmt(x.shutdownMs.median, 0)} ms`}.`,
    );
  }
  return lines;
}
