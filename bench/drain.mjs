// 7. Where the export path's time goes: a CPU profile (node --cpu-prof) of
// the exporter worker at a fixed rate, ours into the minimal sink and the
// official OTLP exporter, self time grouped by where the code lives.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnNode, killChild } from "./lib/child.mjs";
import { cleanEnv } from "./lib/variants.mjs";
import { loadOursLibrary } from "./lib/ours-library.mjs";
import { startEventSink } from "./lib/sinks.mjs";
import { fmt } from "./lib/stats.mjs";
import { table } from "./lib/table.mjs";

const RATE = 4000;

function runProfiled(kind, url, phaseMs) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "axonpush-bench-prof-"));
  const child = spawnNode(
    ["--cpu-prof", "--cpu-prof-dir", dir, "--cpu-prof-interval", "250", "bench/workers/exporter-child.mjs", kind, url, String(RATE), String(phaseMs), "0"],
    { env: cleanEnv(), ipc: true, core: 0 },
  );
  return new Promise((resolve, reject) => {
    let stderr = "";
    let phase;
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => killChild(child), phaseMs + 60_000);
    child.on("message", (msg) => {
      if (msg.type === "phase") phase = msg;
      if (msg.type !== "done") child.send("go");
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
      if (code !== 0 || !file) {
        rmSync(dir, { recursive: true, force: true });
        return reject(new Error(`profiled worker ${kind} exited ${code}: ${stderr.slice(0, 400)}`));
      }
      const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
      rmSync(dir, { recursive: true, force: true });
      resolve({ profile, phase });
    });
  });
}

function where(frame) {
  const { url, functionName } = frame;
  if (!url) return functionName || "(anonymous native)";
  if (url.includes("/dist/")) return "axonpush-otel (dist)";
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const parts = url.slice(nm + 14).split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith("node:")) {
    if (/_http_|http_parser|node:http|node:https/.test(url)) return "node: http client";
    if (/net|stream|tcp|socket/.test(url)) return "node: net & streams";
    if (/timers/.test(url)) return "node: timers";
    return "node: other internals";
  }
  if (url.includes("/bench/")) return "bench workload";
  return url;
}

function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const groups = new Map();
  const functions = new Map();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id).callFrame;
    if (frame.functionName === "(idle)") continue;
    busy += us;
    const group = where(frame);
    groups.set(group, (groups.get(group) ?? 0) + us);
    const fn = `${frame.functionName || "(anonymous)"} — ${group}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return { busyMs: busy / 1000, groups: sorted(groups), functions: sorted(functions) };
}

export async function run(ctx) {
  const phaseMs = ctx.quick ? 2000 : 4000;
  const lib = await loadOursLibrary();
  const oursReady = typeof lib.AxonPushSpanExporter === "function";
  const sink = await startEventSink();
  const results = {};
  try {
    const kinds = [...(oursReady ? ["ours", "oursOtlp"] : []), "otlp", "noop"];
    for (const kind of kinds) {
      const url = kind === "otlp" ? ctx.sinks.otlp.url : sink.url;
      const { profile, phase } = await runProfiled(kind, url, phaseMs);
      results[kind] = { ...summarize(profile), spans: phase?.created ?? NaN };
      ctx.log(kind, `busy ${fmt(results[kind].busyMs, 0)} ms for ${results[kind].spans} spans`);
    }
  } finally {
    await sink.close();
  }
  const data = { rate: RATE, phaseMs, oursReady, results };
  return { data, markdown: render(ctx, data) };
}

function render(ctx, data) {
  const label = { ours: "ours → minimal sink", oursOtlp: "ours, AXONPUSH_TRANSPORT=otlp → minimal sink", otlp: "official OTLP exporter", noop: "no-op exporter" };
  const out = [];
  out.push(
    `The exporter worker of section 3 at ${data.rate} spans/s for ${data.phaseMs} ms (then flushed), under \`node --cpu-prof --cpu-prof-interval 250\`; one run each. "busy" = sampled CPU time that was not idle on the process's main thread (including start-up and the flush); µs per span = busy / spans produced. \`--cpu-prof\` profiles the main thread only, and our sender thread runs without the app's flags: since the sender thread (2026-12-05) ours is its app-thread share alone, and the sending is not in these figures. Section 10 counts every thread.`,
  );
  if (!data.oursReady) out.push(`\n**Ours: not measured** — dist/index.js did not export \`AxonPushSpanExporter\`.`);
  const kinds = Object.keys(data.results);
  out.push("");
  out.push(
    table(
      ["exporter", "busy ms", "spans", "busy µs per span"],
      kinds.map((k) => [label[k], fmt(data.results[k].busyMs, 0), String(data.results[k].spans), fmt((data.results[k].busyMs * 1000) / data.results[k].spans, 1)]),
    ),
  );
  for (const k of kinds.filter((x) => x !== "noop")) {
    const r = data.results[k];
    out.push(`\n#### ${label[k]}: self time by where the code lives, and the heaviest functions\n`);
    const rows = [];
    for (let i = 0; i < 12; i++) {
      const g = r.groups[i];
      const f = r.functions[i];
      rows.push([
        g ? g[0] : "",
        g ? `${fmt(g[1] / 1000, 0)} (${fmt((100 * g[1]) / 1000 / r.busyMs, 0)}%)` : "",
        f ? `\`${f[0]}\`` : "",
        f ? fmt(f[1] / 1000, 0) : "",
      ]);
    }
    out.push(table(["where", "self ms (% of busy)", "function — where", "self ms"], rows));
  }
  return out.join("\n");
}
