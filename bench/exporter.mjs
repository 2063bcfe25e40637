// 3. Exporter: spans/s delivered with no drops, event-loop delay (p99)
// while exporting, and the caller-side cost of export() per span; ours vs
// the official OTLP/HTTP protobuf exporter vs a no-op exporter (baseline).
import os from "node:os";
import { spawnNode, killChild } from "./lib/child.mjs";
import { cleanEnv } from "./lib/variants.mjs";
import { loadOursLibrary, startReceiverForBench } from "./lib/ours-library.mjs";
import { startEventSink } from "./lib/sinks.mjs";
import { summarize, fmtSummary, fmt, median } from "./lib/stats.mjs";
import { table } from "./lib/table.mjs";

async function runWorker(kind, target, settings) {
  const exporterKind = kind === "oursSink" ? "ours" : kind; // "oursOtlp" is its own exporter kind
  const child = spawnNode(
    ["bench/workers/exporter-child.mjs", exporterKind, target.url, settings.rates.join(","), String(settings.phaseMs), String(settings.exportCalls)],
    { env: cleanEnv(), ipc: true, core: 0 },
  );
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const result = { exportCallUs: [], phases: [] };
  const timeout = setTimeout(() => child.kill("SIGKILL"), 240_000);
  try {
    await new Promise((resolve, reject) => {
      child.on("message", (msg) => {
        if (msg.type === "exportCall") result.exportCallUs = msg.perSpanUs;
        if (msg.type === "phase") {
          // Flushed and settled in the child: what arrived is what arrives.
          const delivered = target.count ? target.count() : msg.ok;
          const rejected = target.rejections ? target.rejections() : 0;
          target.clear?.();
          result.phases.push({ ...msg, delivered, rejected });
        }
        if (msg.type === "done") return resolve();
        if (msg.type === "exportCall") target.clear?.();
        child.send("go");
      });
      child.on("exit", (code) => (code === 0 || code === null ? resolve() : reject(new Error(`worker exited ${code}: ${stderr.slice(0, 600)}`))));
    });
  } finally {
    clearTimeout(timeout);
    await killChild(child);
  }
  return result;
}

export async function run(ctx) {
  const settings = ctx.quick
    ? { rounds: 1, rates: [1000, 4000, 16000], phaseMs: 1500, exportCalls: 8 }
    : { rounds: 2, rates: [500, 1000, 2000, 4000, 8000, 16000], phaseMs: 2000, exportCalls: 20 };
  const lib = await loadOursLibrary();
  const oursReady = typeof lib.AxonPushSpanExporter === "function" && typeof lib.AxonPushClient === "function";
  const receiver = await startReceiverForBench(() => startEventSink());
  // The same exporter into the minimal sink: tells whether the receiver is the limit.
  const sink = await startEventSink();
  const sinkTarget = { url: sink.url, count: () => sink.spans, clear: () => sink.reset() };
  const otlpTarget = { url: ctx.sinks.otlp.url }; // delivered = ok reported by the exporter
  // Our OTLP transport into the minimal sink (it answers /v1/traces too); delivered = the spans the sink counted.
  const oursOtlpTarget = { url: sink.url, count: () => sink.spans, clear: () => sink.reset() };
  const kinds = ["noop", ...(oursReady ? ["ours", "oursSink", "oursOtlp"] : []), "otlp"];
  const targets = { noop: { url: "http://127.0.0.1:9" }, ours: receiver, oursSink: sinkTarget, oursOtlp: oursOtlpTarget, otlp: otlpTarget };
  const runs = Object.fromEntries(kinds.map((k) => [k, []]));
  try {
    for (let round = 0; round < settings.rounds; round++) {
      for (let i = 0; i < kinds.length; i++) {
        const kind = kinds[(i + round) % kinds.length];
        runs[kind].push(await runWorker(kind, targets[kind], settings));
        ctx.log(kind, "round", round, "done");
      }
    }
  } finally {
    await receiver.close();
    await sink.close();
  }
  const data = { settings, receiver: receiver.kind, oursReady, perKind: {} };
  for (const kind of kinds) {
    const perRate = settings.rates.map((rate) => {
      const phases = runs[kind].map((r) => r.phases.find((p) => p.rate === rate)).filter(Boolean);
      return {
        rate,
        achieved: summarize(phases.map((p) => (p.created / p.producingMs) * 1000)),
        eldP99Ms: summarize(phases.map((p) => p.eldP99Ms)),
        eldMaxMs: summarize(phases.map((p) => p.eldMaxMs)),
        flushMs: summarize(phases.map((p) => p.flushMs)),
        dropped: Math.max(...phases.map((p) => p.created - (kind === "noop" ? p.handed : p.delivered))),
        failedReported: Math.max(...phases.map((p) => p.failed)),
        rejectedByReceiver: phases.reduce((a, p) => a + (p.rejected ?? 0), 0),
        cpuUsPerSpan: summarize(phases.map((p) => (p.cpuMs * 1000) / p.created)),
        deliveredPerS: summarize(phases.map((p) => (p.delivered / (p.producingMs + p.flushMs)) * 1000)),
      };
    });
    data.perKind[kind] = {
      exportCallUs: summarize(runs[kind].flatMap((r) => r.exportCallUs)),
      perRate,
    };
  }
  return { data, markdown: render(ctx, settings, data, kinds) };
}

function render(ctx, settings, data, kinds) {
  const label = {
    noop: "no-op exporter (baseline)",
    ours: `ours (AxonPushSpanExporter) → ${data.receiver}`,
    oursSink: "ours (AxonPushSpanExporter) → minimal sink",
    oursOtlp: "ours, AXONPUSH_TRANSPORT=otlp → minimal sink",
    otlp: "official OTLPTraceExporter (proto)" };
  const out = [];
  out.push(
    `A worker process (core 0) with \`NodeTracerProvider\` + \`BatchSpanProcessor\` (defaults: queue 2048, batch 512, 5 s delay) and the exporter; ours delivers to the ${data.receiver} in the harness process, the official exporter to the OTLP sink. Spans are produced on a 10 ms timer at each target rate for ${settings.phaseMs} ms, then \`provider.forceFlush()\`; ${settings.rounds} round(s), variants interleaved. "dropped" = spans created − spans that reached the receiver (ours: counted by the receiver; official: spans its exporter reported as exported; no-op: spans the batch processor handed on), worst round. Event-loop delay from \`perf_hooks.monitorEventLoopDelay\` (1 ms resolution) while producing and exporting.`,
  );
  if (!data.oursReady) out.push(`\n**Ours: not measured** — dist/index.js did not export \`AxonPushSpanExporter\`/\`AxonPushClient\` when this ran.`);
  out.push(`\n#### export() on the caller, per span (512-span batch, queue empty at each call; ${settings.exportCalls} calls × ${settings.rounds} rounds)\n`);
  out.push(table(["exporter", "µs per span"], kinds.map((k) => [label[k], fmtSummary(data.perKind[k].exportCallUs, 2)])));
  out.push(`\n#### Rates\n`);
  const rows = [];
  for (const kind of kinds) {
    for (const r of data.perKind[kind].perRate) {
      const base = data.perKind.noop.perRate.find((x) => x.rate === r.rate);
      rows.push([
        label[kind],
        String(r.rate),
        fmt(r.achieved.median, 0),
        fmtSummary(r.eldP99Ms, 1),
        kind === "noop" ? "—" : fmt(r.eldP99Ms.median - base.eldP99Ms.median, 1),
        fmtSummary(r.eldMaxMs, 1),
        fmt(r.flushMs.median, 0),
        fmt(r.cpuUsPerSpan.median, 1),
        String(r.dropped),
        fmt(r.deliveredPerS.median, 0),
      ]);
    }
  }
  out.push(table(["exporter", "target spans/s", "produced spans/s", "ELD p99 ms", "p99 added vs no-op", "ELD max ms", "flush ms", "process CPU µs per span", "dropped", "delivered spans/s (incl. flush)"], rows));
  const rejected = kinds.flatMap((k) => data.perKind[k].perRate).reduce((a, r) => a + (r.rejectedByReceiver ?? 0), 0);
  out.push(`\nRequests the receiver rejected (contract validation, all phases and rounds): ${rejected}.`);
  for (const kind of kinds.filter((k) => k !== "noop")) {
    const ok = data.perKind[kind].perRate.filter((r) => {
      const base = data.perKind.noop.perRate.find((x) => x.rate === r.rate);
      return r.dropped === 0 && r.achieved.median >= 0.95 * r.rate && r.eldP99Ms.median - base.eldP99Ms.median < 5;
    });
    const best = ok.at(-1);
    out.push(
      `\n**${label[kind]}:** highest sustained rate with 0 drops and < 5 ms added p99 delay: ${best ? `${best.rate} spans/s (added p99 ${fmt(best.eldP99Ms.median - data.perKind.noop.perRate.find((x) => x.rate === best.rate).eldP99Ms.median, 1)} ms)` : "none of the rates tried"}.`,
    );
  }
  return out.join("\n");
}

export function headline(data) {
  const lines = [];
  const noop = data.perKind.noop.perRate;
  const best = (kind) =>
    data.perKind[kind].perRate.filter((r) => {
      const base = noop.find((x) => x.rate === r.rate);
      return r.dropped === 0 && r.achieved.median >= 0.95 * r.rate && r.eldP99Ms.median - base.eldP99Ms.median < 5;
    }).at(-1);
  for (const [kind, name] of [["ours", `ours → ${data.receiver}`], ["oursSink", "ours → minimal sink"], ["oursOtlp", "ours (OTLP transport) → minimal sink"], ["otlp", "official OTLP exporter"]]) {
    if (!data.perKind[kind]) continue;
    const b = best(kind);
    lines.push(
      `Exporter, ${name}: export() ${fmt(data.perKind[kind].exportCallUs.median, 1)} µs/span on the caller; highest sustained rate with 0 drops and < 5 ms added p99 loop delay: ${b ? `${b.rate} spans/s` : "none tried"} (rates tried up to ${data.settings.rates.at(-1)}).`,
    );
  }
  return lines;
}
