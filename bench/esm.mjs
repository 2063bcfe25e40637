// 5. The ESM case, reported apart: the same Express app as ESM and as
// CommonJS under ours and the official register (both --import): which
// spans each produced per request (captured by the sinks), and start-up.
import { spawnUntilLine, killChild } from "./lib/child.mjs";
import { makeVariants } from "./lib/variants.mjs";
import { settledCapture, startEventSink, startOtlpSink } from "./lib/sinks.mjs";
import { measureStart, interleave } from "./startup.mjs";
import { summarize, fmtSummary, fmt, ratio } from "./lib/stats.mjs";
import { table } from "./lib/table.mjs";

const APPS = { cjs: "bench/apps/express-app.cjs", esm: "bench/apps/express-app.mjs" };
const REQUESTS = 3;

function shortScope(scope) {
  return String(scope ?? "?").replace("@opentelemetry/instrumentation-", "");
}

async function captureSpans(variant, app, sinks) {
  sinks.event.reset();
  sinks.otlp.reset();
  const { child, payload } = await spawnUntilLine([...variant.args, app], { env: variant.env });
  try {
    for (let i = 0; i < REQUESTS; i++) {
      const res = await fetch(`http://127.0.0.1:${payload.port}/users/42`);
      await res.text();
    }
    return await settledCapture(sinks, variant, { quietMs: 800 });
  } finally {
    await killChild(child);
  }
}

export async function run(ctx) {
  const rounds = ctx.quick ? 4 : 10;
  const captureSinks = { event: await startEventSink({ capture: true }), otlp: await startOtlpSink({ capture: true }) };
  const traced = {};
  const ids = ["oursImport", "officialImport"].filter((id) => id !== "oursImport" || ctx.ours.available);
  try {
    const variants = makeVariants(captureSinks, {
      extraEnv: { OTEL_BSP_SCHEDULE_DELAY: "100", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
    });
    for (const [appId, app] of Object.entries(APPS)) {
      for (const id of ids) traced[`${appId}/${id}`] = await captureSpans(variants[id], app, captureSinks);
    }
  } finally {
    await captureSinks.event.close();
    await captureSinks.otlp.close();
  }
  // Start-up of the ESM app, interleaved, with the normal (non-capturing) sinks.
  const all = makeVariants(ctx.sinks);
  const startVariants = ["bare", ...ids].map((id) => all[id]);
  for (const v of startVariants) await measureStart(v, APPS.esm);
  const samples = await interleave(startVariants, rounds, (v) => measureStart(v, APPS.esm));
  const startup = {};
  for (const v of startVariants) {
    startup[v.id] = {
      wallMs: summarize(samples[v.id].map((s) => s.wallMs)),
      rssMiB: summarize(samples[v.id].map((s) => s.maxRssKiB / 1024)),
      modules: (await measureStart(v, APPS.esm, { count: true })).modules,
    };
  }
  const data = { rounds, requests: REQUESTS, traced, startup };
  return { data, markdown: render(ctx, data, ids, startVariants) };
}

function render(ctx, data, ids, startVariants) {
  const out = [];
  out.push(
    `Each app got ${data.requests} × \`GET /users/42\`; spans were captured by the sinks (ours: the events' identifier and \`payload.scope\`; official: OTLP/JSON, \`OTEL_EXPORTER_OTLP_PROTOCOL=http/json\` for this capture only) with \`OTEL_BSP_SCHEDULE_DELAY=100\`. Cells = spans per request (scope → span name).`,
  );
  if (!ctx.ours.available) out.push(`\n**Ours: not measured** — ${ctx.ours.reason}.`);
  const columns = Object.keys(data.traced);
  const keys = new Set();
  for (const col of columns) for (const s of data.traced[col]) keys.add(`${shortScope(s.scope)} → ${s.name}`);
  const rows = [...keys].sort().map((key) => [
    `\`${key}\``,
    ...columns.map((col) => {
      const n = data.traced[col].filter((s) => `${shortScope(s.scope)} → ${s.name}` === key).length;
      return n ? fmt(n / data.requests, 2).replace(/\.00$/, "") : "—";
    }),
  ]);
  rows.push(["**total per request**", ...columns.map((col) => `**${fmt(data.traced[col].length / data.requests, 2).replace(/\.00$/, "")}**`)]);
  const head = columns.map((c) => {
    const [app, id] = c.split("/");
    return `${app.toUpperCase()} ${id === "oursImport" ? "ours" : "official"}`;
  });
  out.push("");
  out.push(table(["span", ...head], rows));
  out.push(`\n#### ESM Express app start-up (spawn → listening), ${data.rounds} interleaved runs\n`);
  const bare = data.startup.bare;
  const off = data.startup.officialImport;
  out.push(
    table(
      ["variant", "wall ms", "overhead ms", "× bare", "× official", "peak RSS MiB", "modules"],
      startVariants.map((v) => {
        const x = data.startup[v.id];
        return [
          v.label,
          fmtSummary(x.wallMs),
          v.id === "bare" ? "—" : `+${fmt(x.wallMs.median - bare.wallMs.median)}`,
          ratio(x.wallMs.median, bare.wallMs.median),
          ratio(x.wallMs.median, off.wallMs.median),
          fmtSummary(x.rssMiB),
          String(x.modules ?? "n/a"),
        ];
      }),
    ),
  );
  out.push(
    `\nThe official register installs no ESM loader hook, so in the ESM app only what is loaded through \`require\` underneath (http, and Express's CommonJS internals when reached via require) can be patched; compare the ESM columns with the CommonJS ones above to see what each preload misses.`,
  );
  return out.join("\n");
}

export function headline(data) {
  const per = (k) => (data.traced[k] ? fmt(data.traced[k].length / data.requests, 0) : "n/a");
  const s = data.startup;
  const over = (id) => s[id].wallMs.median - s.bare.wallMs.median;
  return [
    `ESM Express app, spans per request: ours ${per("esm/oursImport")}, official ${per("esm/officialImport")} (CommonJS app: ours ${per("cjs/oursImport")}, official ${per("cjs/officialImport")}); start-up overhead ours ${s.oursImport ? `+${fmt(over("oursImport"), 0)}` : "n/a"} ms vs official +${fmt(over("officialImport"), 0)} ms.`,
  ];
}
