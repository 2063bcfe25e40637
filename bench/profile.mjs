// 6. Where start-up time goes: the CommonJS Express app under ours and
// the official register, with a Module._load timer attached (not used in
// the timed start-up runs). Self time per package, the heaviest first
// loads that cross from one package into another, and files per package.
import { createRequire } from "node:module";
import { spawnUntilLine, killChild, runToExit } from "./lib/child.mjs";
import { makeVariants } from "./lib/variants.mjs";
import { interleave } from "./startup.mjs";
import { median, fmt } from "./lib/stats.mjs";
import { table } from "./lib/table.mjs";

const require = createRequire(import.meta.url);
const { packageOf } = require("./apps/package-of.cjs");
const APP = "bench/apps/express-app.cjs";
const TIMER = ["--require", "./bench/apps/require-timer.cjs"];
const COUNTERS = ["--require", "./bench/apps/count-modules.cjs", "--import", "./bench/apps/count-esm.mjs"];
const isOtel = (pkg) => pkg.startsWith("@opentelemetry/");

async function timedStart(variant) {
  const { child, wallMs, payload } = await spawnUntilLine([...TIMER, ...variant.args, APP], { env: variant.env });
  await killChild(child);
  return { wallMs, uptimeMs: payload.uptimeMs, ...payload.requires };
}

async function filesByPackage(variant) {
  const env = { ...variant.env, BENCH_LIST_MODULES: "1" };
  const { child, payload } = await spawnUntilLine([...COUNTERS, ...variant.args, APP], { env });
  await killChild(child);
  const counts = {};
  for (const file of payload.files ?? []) counts[packageOf(file)] = (counts[packageOf(file)] ?? 0) + 1;
  return counts;
}

function medianMap(samples, field) {
  const keys = new Set(samples.flatMap((s) => Object.keys(s[field] ?? {})));
  return Object.fromEntries([...keys].map((k) => [k, median(samples.map((s) => s[field]?.[k] ?? 0))]));
}

// What candidate building blocks cost on their own: `require` in a fresh
// process, wall time minus an empty one. Aims the lazy-loading work.
const BLOCKS = {
  "(nothing)": [],
  "@opentelemetry/api": ["@opentelemetry/api"],
  "@opentelemetry/core": ["@opentelemetry/core"],
  "@opentelemetry/semantic-conventions": ["@opentelemetry/semantic-conventions"],
  "@opentelemetry/sdk-trace-node + resources": ["@opentelemetry/sdk-trace-node", "@opentelemetry/resources"],
  "@opentelemetry/sdk-node": ["@opentelemetry/sdk-node"],
  "@opentelemetry/auto-instrumentations-node": ["@opentelemetry/auto-instrumentations-node"],
  "instrumentation-http + instrumentation-express": ["@opentelemetry/instrumentation-http", "@opentelemetry/instrumentation-express"],
  "@opentelemetry/exporter-trace-otlp-proto": ["@opentelemetry/exporter-trace-otlp-proto"],
  "cloud resource detectors (aws, azure, gcp, alibaba)": [
    "@opentelemetry/resource-detector-aws",
    "@opentelemetry/resource-detector-azure",
    "@opentelemetry/resource-detector-gcp",
    "@opentelemetry/resource-detector-alibaba-cloud",
  ],
  "import-in-the-middle": ["import-in-the-middle"],
  "lean core: sdk-trace-node + resources + instrumentation + http + express": [
    "@opentelemetry/sdk-trace-node",
    "@opentelemetry/resources",
    "@opentelemetry/instrumentation",
    "@opentelemetry/instrumentation-http",
    "@opentelemetry/instrumentation-express",
  ],
};

async function measureBlocks(rounds) {
  const entries = Object.entries(BLOCKS).map(([id, modules]) => ({ id, modules }));
  const samples = await interleave(entries, rounds, async ({ modules }) => {
    const code = `${modules.map((m) => `require(${JSON.stringify(m)});`).join("")}process.stdout.write(String(Object.keys(require.cache).length))`;
    const r = await runToExit(["-e", code], { env: process.env });
    return { wallMs: r.wallMs, files: Number(r.stdout) };
  });
  const base = median(samples["(nothing)"].map((s) => s.wallMs));
  return entries
    .filter((e) => e.id !== "(nothing)")
    .map((e) => ({ id: e.id, ms: median(samples[e.id].map((s) => s.wallMs)) - base, files: samples[e.id][0]?.files ?? NaN }));
}

export async function run(ctx) {
  const rounds = ctx.quick ? 2 : 5;
  const all = makeVariants(ctx.sinks);
  const variants = ["bare", "oursImport", "oursRequire", "officialImport"]
    .map((id) => all[id])
    .filter((v) => v.family !== "ours" || ctx.ours.available);
  const samples = await interleave(variants, rounds, timedStart);
  const data = { rounds, perVariant: {} };
  for (const v of variants) {
    const self = medianMap(samples[v.id], "selfMs");
    const total = Object.values(self).reduce((a, b) => a + b, 0);
    data.perVariant[v.id] = {
      label: v.label,
      uptimeMs: median(samples[v.id].map((s) => s.uptimeMs)),
      loadTotalMs: total,
      otelLoadMs: Object.entries(self).filter(([k]) => isOtel(k)).reduce((a, [, b]) => a + b, 0),
      selfMs: self,
      crossingsMs: medianMap(samples[v.id], "crossingsMs"),
      files: await filesByPackage(v),
    };
  }
  data.blocks = await measureBlocks(ctx.quick ? 3 : 7);
  return { data, markdown: render(ctx, data, variants) };
}

// Groups for the "where it goes" summary; first match wins.
const GROUPS = [
  ["ours (dist)", (p) => p === "axonpush-otel (dist)"],
  ["instrumentations (auto-instrumentations-node, instrumentation-*, hooks)", (p) =>
    /^@opentelemetry\/(auto-instrumentations-node|instrumentation|instrumentation-.*|sql-common|redis-common|mysql2-?.*)$/.test(p) ||
    ["require-in-the-middle", "import-in-the-middle", "shimmer", "module-details-from-path", "forwarded-parse", "cjs-module-lexer", "acorn", "acorn-import-attributes"].includes(p)],
  ["resource detectors (incl. cloud ones)", (p) => /^@opentelemetry\/(resources|resource-detector-.*)$/.test(p) || p === "gcp-metadata" || p.startsWith("google-") || p === "gaxios"],
  ["api, core, semantic-conventions", (p) => /^@opentelemetry\/(api|core|semantic-conventions)$/.test(p)],
  ["sdk-node and its eager tree (metrics, logs, exporters, config/yaml, protobuf, grpc)", (p) =>
    p.startsWith("@opentelemetry/") || p.startsWith("@grpc/") || p.startsWith("@protobufjs/") || ["yaml", "protobufjs", "long"].includes(p)],
  ["node builtins", (p) => p === "node builtins"],
  ["the app (express & co, bench files)", () => true],
];

function groupOf(pkg) {
  return GROUPS.find(([, test]) => test(pkg))[0];
}

function top(obj, n) {
  return Object.entries(obj).sort((a, b) => b[1] - a[1]).slice(0, n);
}

function render(ctx, data, variants) {
  const out = [];
  out.push(
    `Express app (CommonJS) with a \`Module._load\` timer \`--require\`d first (${data.rounds} interleaved runs, medians; the timer itself slows loading, so read these as shares, not absolute costs). "in-process ms" = \`performance.now()\` at listening. "require self ms" = time inside \`Module._load\` for that package's files minus the nested loads (compile + evaluate + what Node does around it).`,
  );
  if (!ctx.ours.available) out.push(`\n**Ours: not measured** — ${ctx.ours.reason}.`);
  out.push("");
  out.push(
    table(
      ["variant", "in-process ms to listening", "all require self ms", "@opentelemetry/* self ms", "files", "@opentelemetry/* files", "packages"],
      variants.map((v) => {
        const x = data.perVariant[v.id];
        const files = Object.values(x.files).reduce((a, b) => a + b, 0);
        const otelFiles = Object.entries(x.files).filter(([k]) => isOtel(k)).reduce((a, [, b]) => a + b, 0);
        return [x.label, fmt(x.uptimeMs, 0), fmt(x.loadTotalMs, 0), fmt(x.otelLoadMs, 0), String(files), String(otelFiles), String(Object.keys(x.files).length)];
      }),
    ),
  );
  out.push(`\n#### Require self time by group (ms, medians; files in brackets)\n`);
  const groupRows = GROUPS.map(([name]) => [
    name,
    ...variants.map((v) => {
      const x = data.perVariant[v.id];
      const ms = Object.entries(x.selfMs).filter(([k]) => groupOf(k) === name).reduce((a, [, b]) => a + b, 0);
      const files = Object.entries(x.files).filter(([k]) => groupOf(k) === name).reduce((a, [, b]) => a + b, 0);
      return `${fmt(ms, 1)} [${files}]`;
    }),
  ]);
  out.push(table(["group", ...variants.map((v) => v.label)], groupRows));
  for (const v of variants.filter((x) => x.family !== "bare")) {
    const x = data.perVariant[v.id];
    out.push(`\n#### ${x.label}: heaviest packages (self ms) and first loads across packages (inclusive ms)\n`);
    const selfRows = top(x.selfMs, 15);
    const crossRows = top(x.crossingsMs, 15);
    const rows = [];
    for (let i = 0; i < 15; i++) {
      const s = selfRows[i];
      const c = crossRows[i];
      rows.push([s ? `${s[0]} (${x.files[s[0]] ?? 0} files)` : "", s ? fmt(s[1], 1) : "", c ? c[0] : "", c ? fmt(c[1], 1) : ""]);
    }
    out.push(table(["package (files)", "self ms", "load (requirer → required)", "inclusive ms"], rows));
  }
  out.push(
    `\n#### What building blocks cost alone (fresh \`node -e "require(...)"\`, wall ms over an empty \`node -e\`, median of interleaved runs; files = CommonJS files loaded)\n`,
  );
  out.push(table(["require", "ms", "files"], data.blocks.map((b) => [b.id, fmt(b.ms, 0), String(b.files)])));
  return out.join("\n");
}
