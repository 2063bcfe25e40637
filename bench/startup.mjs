// 1. Start-up: `node -e` and a small CommonJS Express app from spawn to
// "listening", bare vs our preload vs the official register (--import and
// --require). Wall time, peak RSS, modules loaded.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runToExit, spawnUntilLine, killChild } from "./lib/child.mjs";
import { makeVariants } from "./lib/variants.mjs";
import { summarize, fmtSummary, fmt, ratio } from "./lib/stats.mjs";
import { table } from "./lib/table.mjs";

// Prints peak RSS (and, in the counting pass, the loaded files) at exit.
const EXIT_REPORT = [
  "if (globalThis.__benchCountModules) setTimeout(() => {}, 100);",
  "process.on('exit', () => {",
  "  const f = new Set(Object.keys(require.cache));",
  "  for (const x of globalThis.__benchEsmFiles ?? []) f.add(x);",
  "  process.stdout.write('BENCH_EXIT ' + JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS,",
  "    modules: globalThis.__benchCountModules ? f.size : undefined }) + '\\n');",
  "});",
].join("\n");

const COUNTERS = ["--require", "./bench/apps/count-modules.cjs", "--import", "./bench/apps/count-esm.mjs"];

export const CASES = {
  nodeE: { label: "`node -e` (exit reporter only)", app: null },
  expressCjs: { label: "Express app (CommonJS), spawn → listening", app: "bench/apps/express-app.cjs" },
};

/** One measured start: { wallMs, maxRssKiB, modules? }. */
export async function measureStart(variant, app, options = {}) {
  if (!variant.freshTmpDir) return measureStartOnce(variant, app, options);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "axonpush-bench-tmp-"));
  try {
    return await measureStartOnce({ ...variant, env: { ...variant.env, TMPDIR: tmp } }, app, options);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function measureStartOnce(variant, app, { count = false } = {}) {
  const args = [...(count ? COUNTERS : []), ...variant.args];
  if (!app) {
    const r = await runToExit([...args, "-e", EXIT_REPORT], { env: variant.env, node: variant.node });
    const line = r.stdout.split("\n").find((l) => l.startsWith("BENCH_EXIT "));
    if (!line) throw new Error(`${variant.label} node -e failed (${r.code}): ${r.stderr.slice(0, 400)}`);
    return { wallMs: r.wallMs, ...JSON.parse(line.slice("BENCH_EXIT ".length)) };
  }
  const { child, wallMs, payload } = await spawnUntilLine([...args, app], { env: variant.env, node: variant.node });
  await killChild(child);
  return { wallMs, maxRssKiB: payload.maxRssKiB, modules: payload.modules, uptimeMs: payload.uptimeMs };
}

export function pickVariants(ctx, ids) {
  const all = makeVariants(ctx.sinks);
  return ids.map((id) => all[id]).filter((v) => v.family !== "ours" || ctx.ours.available);
}

/** Interleaved rounds (ABCABC…, the order rotated each round). */
export async function interleave(variants, rounds, measure) {
  const samples = Object.fromEntries(variants.map((v) => [v.id, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length];
      samples[variant.id].push(await measure(variant));
    }
  }
  return samples;
}

export async function run(ctx) {
  const rounds = ctx.quick ? 5 : 15;
  const ids = ["bare", "oursImport", "oursRequire", "oursImportColdCache", "oursRequireColdCache", "officialImport", "officialRequire"];
  const variants = pickVariants(ctx, ids);
  const results = {};
  for (const [caseId, c] of Object.entries(CASES)) {
    for (const v of variants) await measureStart(v, c.app); // warm the file cache
    const samples = await interleave(variants, rounds, (v) => measureStart(v, c.app));
    const counts = {};
    for (const v of variants) counts[v.id] = (await measureStart(v, c.app, { count: true })).modules;
    results[caseId] = {};
    for (const v of variants) {
      results[caseId][v.id] = {
        wallMs: summarize(samples[v.id].map((s) => s.wallMs)),
        rssMiB: summarize(samples[v.id].map((s) => s.maxRssKiB / 1024)),
        modules: counts[v.id],
      };
    }
  }
  return { data: { rounds, results }, markdown: render(ctx, rounds, results, variants) };
}

function render(ctx, rounds, results, variants) {
  const out = [];
  out.push(`Each figure: median (min–max) of ${rounds} interleaved runs per variant. Wall time is measured by the harness from \`spawn()\` to the app's "listening" line (for \`node -e\`: to process exit). Peak RSS is \`process.resourceUsage().maxRSS\` reported by the child itself. Modules = distinct files loaded (CommonJS \`require.cache\` ∪ ESM files seen by a loader \`load\` hook), counted in a separate pass with the counters attached, never in the timed runs. Our preload keeps a V8 code cache of its bundle under \`os.tmpdir()\`: the plain "ours" rows start with the cache an earlier start wrote (one untimed warm-up start per variant comes first); the "no code cache" rows get a fresh empty \`TMPDIR\` for every run (a first start: new container, Lambda cold start).`);
  if (!ctx.ours.available) out.push(`\n**Ours: not measured** — ${ctx.ours.reason}.`);
  for (const [caseId, c] of Object.entries(CASES)) {
    const r = results[caseId];
    const bare = r.bare;
    const rows = variants.map((v) => {
      const x = r[v.id];
      const official = r[v.args[0] === "--require" ? "officialRequire" : "officialImport"];
      const overhead = x.wallMs.median - bare.wallMs.median;
      const officialOverhead = official ? official.wallMs.median - bare.wallMs.median : NaN;
      return [
        v.label,
        fmtSummary(x.wallMs),
        v.id === "bare" ? "—" : `+${fmt(overhead)}`,
        ratio(x.wallMs.median, bare.wallMs.median),
        v.family === "ours" ? `${fmt(overhead / officialOverhead, 2)} of official's` : "—",
        fmtSummary(x.rssMiB),
        v.id === "bare" ? "—" : `+${fmt(x.rssMiB.median - bare.rssMiB.median)}`,
        String(x.modules ?? "n/a"),
      ];
    });
    out.push(`\n#### ${c.label}\n`);
    out.push(
      table(
        ["variant", "wall ms", "overhead ms", "× bare", "overhead vs official (same flag)", "peak RSS MiB", "RSS over bare", "modules"],
        rows,
      ),
    );
  }
  if (ctx.ours.available) {
    const r = results.expressCjs;
    const target = (id, off) => (r[id].wallMs.median - r.bare.wallMs.median) / (r[off].wallMs.median - r.bare.wallMs.median);
    const imp = target("oursImport", "officialImport");
    const req = target("oursRequire", "officialRequire");
    const impCold = target("oursImportColdCache", "officialImport");
    const reqCold = target("oursRequireColdCache", "officialRequire");
    const verdict = (x) => `${fmt(x, 2)} → ${x <= 1 / 3 ? "met" : "NOT met"}`;
    out.push(
      `\n**Target (Express app, overhead ≤ 1/3 of the official's):** with the code cache from an earlier start: --import ${verdict(imp)}; --require ${verdict(req)}. First start (empty cache): --import ${verdict(impCold)}; --require ${verdict(reqCold)}.`,
    );
  }
  return out.join("\n");
}

/** One-line summaries for the top of BENCHMARKS.md. */
export function headline(data) {
  const r = data.results.expressCjs;
  const lines = [];
  const over = (id) => r[id].wallMs.median - r.bare.wallMs.median;
  const mib = (id) => r[id].rssMiB.median - r.bare.rssMiB.median;
  lines.push(
    `Start-up, CommonJS Express app: bare ${fmt(r.bare.wallMs.median, 0)} ms; official register +${fmt(over("officialRequire"), 0)} ms (--require) / +${fmt(over("officialImport"), 0)} ms (--import), +${fmt(mib("officialImport"), 1)} MiB, ${r.officialImport.modules} files.`,
  );
  if (r.oursImport) {
    lines.push(
      `Ours: +${fmt(over("oursRequire"), 0)} ms (--require) = ${fmt(over("oursRequire") / over("officialRequire"), 2)} of the official's overhead; +${fmt(over("oursImport"), 0)} ms (--import, with the ESM hook) = ${fmt(over("oursImport") / over("officialImport"), 2)}; +${fmt(mib("oursImport"), 1)} MiB, ${r.oursImport.modules} files. Target ≤ 0.33: ${over("oursImport") / over("officialImport") <= 1 / 3 && over("oursRequire") / over("officialRequire") <= 1 / 3 ? "met" : "not met"}.`,
    );
    if (r.oursImportColdCache) {
      lines.push(
        `Ours on a first start (empty code cache): +${fmt(over("oursRequireColdCache"), 0)} ms (--require) = ${fmt(over("oursRequireColdCache") / over("officialRequire"), 2)} of the official's; +${fmt(over("oursImportColdCache"), 0)} ms (--import) = ${fmt(over("oursImportColdCache") / over("officialImport"), 2)}.`,
      );
    }
  } else lines.push("Ours: not measured in this start-up run.");
  return lines;
}
