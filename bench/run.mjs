// Runs the benchmark suite (or the benchmarks named as arguments) and
// writes BENCHMARKS.md. `--quick` runs fewer, shorter rounds.
//
//   node bench/run.mjs                    # everything (~10 min on 2 cores)
//   node bench/run.mjs --quick            # a rough pass (~3 min)
//   node bench/run.mjs startup requests   # a subset; other sections keep their last results
//   AXONPUSH_BENCH_BEFORE=<built checkout> node bench/run.mjs frameworks   # also measures an earlier build
//   node bench/run.mjs --report           # only rewrite BENCHMARKS.md from bench/results/
//   PATH=~/.cache/axonpush-otel/node/24.22.3/bin:$PATH AXONPUSH_BENCH_LABEL=node24 node bench/run.mjs sender
//                                         # the same section on another Node line (scripts/node-lines fetches them),
//                                         # kept beside the main run (bench/results/sender-node24.json)
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { describeMachine, machineLine, pinHarness } from "./lib/machine.mjs";
import { startEventSink, startOtlpSink } from "./lib/sinks.mjs";
import { checkOurs, REPO_ROOT } from "./lib/variants.mjs";

const BENCHMARKS = {
  startup: { title: "1. Start-up", module: "./startup.mjs" },
  requests: { title: "2. Request overhead", module: "./requests.mjs" },
  exporter: { title: "3. Exporter throughput and cost", module: "./exporter.mjs" },
  outage: { title: "4. Memory under an outage", module: "./outage.mjs" },
  esm: { title: "5. ESM app: what each preload traces", module: "./esm.mjs" },
  profile: { title: "6. Where start-up time goes", module: "./profile.mjs" },
  drain: { title: "7. Where the export path's CPU goes", module: "./drain.mjs" },
  frameworks: { title: "8. Framework spans per request", module: "./frameworks.mjs" },
  esmHooks: { title: "9. ES module hooks: in-thread against the loader thread", module: "./esm-hooks.mjs" },
  sender: { title: "10. The sender thread: the app's thread at a fixed load, every span delivered", module: "./sender.mjs" },
  logs: { title: "11. Log records: cost per record on the app's thread", module: "./logs.mjs" },
  far: { title: "12. A backend far away: spans delivered when every request takes a round trip", module: "./far.mjs" },
};

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const selected = argv.filter((a) => !a.startsWith("--"));
const unknown = selected.filter((name) => !BENCHMARKS[name]);
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; known: ${Object.keys(BENCHMARKS).join(", ")}`);
  process.exit(2);
}
const reportOnly = argv.includes("--report");
// A run on another Node line (say) is kept beside the main one, not over it.
const label = process.env.AXONPUSH_BENCH_LABEL ?? "";
if (label && !/^[a-z0-9-]+$/.test(label)) {
  console.error(`AXONPUSH_BENCH_LABEL must be lowercase letters, digits and dashes, got ${JSON.stringify(label)}`);
  process.exit(2);
}
const names = reportOnly ? [] : selected.length ? selected : Object.keys(BENCHMARKS);
const resultsDir = path.join(REPO_ROOT, "bench/results");
mkdirSync(resultsDir, { recursive: true });
if (reportOnly) {
  await writeBenchmarksMd();
  console.log("rewrote BENCHMARKS.md from bench/results/");
  process.exit(0);
}

const machine = describeMachine();
const pinned = pinHarness();
const sinks = { event: await startEventSink(), otlp: await startOtlpSink() };
const ours = checkOurs(sinks.event.url);
console.log(`machine: ${machineLine(machine)}; harness pinned: ${pinned}`);
console.log(`ours: ${ours.available ? "available" : `NOT available (${ours.reason})`}`);

const started = Date.now();
try {
  for (const name of names) {
    const t0 = Date.now();
    console.log(`\n== ${name} ==`);
    const bench = await import(BENCHMARKS[name].module);
    const ctx = { quick, sinks, ours, machine, pinned, log: (...a) => console.log(`  [${name}]`, ...a) };
    let result;
    try {
      result = await bench.run(ctx);
    } catch (error) {
      console.error(`  ${name} failed:`, error);
      result = { data: { error: String(error?.stack ?? error) }, markdown: `**This benchmark failed in this run:** \`${String(error?.message ?? error).slice(0, 300)}\`` };
    }
    const section = {
      name,
      title: BENCHMARKS[name].title,
      date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      machine,
      quick,
      pinned,
      oursAvailable: ours.available,
      seconds: Math.round((Date.now() - t0) / 1000),
      data: result.data,
      markdown: result.markdown,
    };
    writeFileSync(path.join(resultsDir, `${name}${label ? `-${label}` : ""}.json`), JSON.stringify(section, null, 2) + "\n");
    console.log(result.markdown);
    console.log(`  (${section.seconds}s)`);
  }
} finally {
  await sinks.event.close();
  await sinks.otlp.close();
}
await writeBenchmarksMd();
console.log(`\nwrote BENCHMARKS.md (${Math.round((Date.now() - started) / 1000)}s)`);

/** The labelled runs of a section (`<name>-<label>.json`), e.g. the same section on another Node line. */
function labelledRuns(name) {
  return readdirSync(resultsDir)
    .filter((file) => file.startsWith(`${name}-`) && file.endsWith(".json"))
    .sort()
    .map((file) => ({ label: file.slice(name.length + 1, -".json".length), section: JSON.parse(readFileSync(path.join(resultsDir, file), "utf8")) }));
}

async function headlines() {
  const lines = [];
  for (const [name, { module }] of Object.entries(BENCHMARKS)) {
    const file = path.join(resultsDir, `${name}.json`);
    if (!existsSync(file)) continue;
    const runs = [{ label: "", section: JSON.parse(readFileSync(file, "utf8")) }, ...labelledRuns(name)];
    const bench = await import(module);
    if (typeof bench.headline !== "function") continue;
    for (const { label, section: s } of runs) {
      if (s.data?.error) continue;
      try {
        for (const line of bench.headline(s.data, s)) lines.push(`- ${label ? `(${label}, ${s.machine.node}) ` : ""}${line}`);
      } catch {
        // a section saved by an older version of its script: no headline
      }
    }
  }
  return lines;
}

function runLine(s) {
  return `_Run ${s.date}${s.quick ? " (--quick)" : ""} on ${machineLine(s.machine)}; measured process pinned to core 0 and harness to the other core: ${s.pinned ? "yes" : "no"}; took ${s.seconds}s._\n`;
}

async function writeBenchmarksMd() {
  const out = [];
  const header = path.join(REPO_ROOT, "bench/HEADER.md");
  if (existsSync(header)) out.push(readFileSync(header, "utf8").trim());
  const heads = await headlines();
  if (heads.length) out.push(`\n## Headline figures (medians from the sections below; ratios from the same run)\n\n${heads.join("\n")}`);
  for (const [name, { title }] of Object.entries(BENCHMARKS)) {
    const file = path.join(resultsDir, `${name}.json`);
    out.push(`\n## ${title}\n`);
    if (!existsSync(file)) {
      out.push("_Not run yet._");
      continue;
    }
    const s = JSON.parse(readFileSync(file, "utf8"));
    out.push(runLine(s));
    out.push(s.markdown);
    for (const { label, section } of labelledRuns(name)) {
      out.push(`\n### The same, run \`${label}\` (${section.machine.node})\n`);
      out.push(runLine(section));
      out.push(section.markdown);
    }
  }
  const findings = path.join(REPO_ROOT, "bench/FINDINGS.md");
  if (existsSync(findings)) out.push("\n" + readFileSync(findings, "utf8").trim());
  writeFileSync(path.join(REPO_ROOT, "BENCHMARKS.md"), out.join("\n") + "\n");
}
