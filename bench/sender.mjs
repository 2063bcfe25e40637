// 10. The sender thread (issue 16): what exporting costs the app's own thread
// at a fixed request rate, side by side with the official register, whether
// every span arrives, the highest span rate delivered with nothing lost, and
// the HTTP client's own floor per request, all in one run.
//
// The app (and, for ours, its sender thread) is pinned to core 0; the load
// generator and the sinks run on the other core. "App thread busy" is the
// main thread's event-loop utilisation over the measured window; CPU is the
// whole process's.
import fs from "node:fs";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { killChild, runToExit, spawnUntilLine } from "./lib/child.mjs";
import { pickVariants, interleave } from "./startup.mjs";
import { summarize, fmtSummary, fmt, ratio } from "./lib/stats.mjs";
import { table } from "./lib/table.mjs";

const SERVERS = {
  http: { label: "node:http, GET /, 1,500 requests/s", app: "bench/apps/http-app.cjs", path: "/", rate: 1500 },
  express: { label: "Express 5, GET /users/42, 1,200 requests/s", app: "bench/apps/express-app.cjs", path: "/users/42", rate: 1200 },
};
/**
 * How the fixed rate is offered. Paced is what "a fixed rate" means, and what the targets are read from:
 * request i is due at i / rate, sent then whatever came before (bench/workers/paced-load.mjs). autocannon's
 * `overallRate` instead lets each connection fire its quota for the second back to back at full speed and then
 * idle until the next second: the same requests per second, as bursts at full speed.
 */
const SHAPES = {
  paced: { label: "evenly paced", worker: "bench/workers/paced-load.mjs" },
  bursts: { label: "in per-second bursts (autocannon's overallRate)", worker: "bench/workers/rate-load.mjs" },
};
const VARIANT_IDS = ["bare", "oursImport", "oursOtlpImport", "officialImport"];
const EMIT_RATES = [2_000, 5_000, 10_000, 15_000, 20_000];
/** Manual spans a second for the steady-state cost per span: a rate every variant delivers whole. */
const STEADY_RATE = 5_000;
const HARNESS_CORE = os.cpus().length - 1;

const spansAtSinks = (ctx) => ctx.sinks.event.spans + ctx.sinks.otlp.spanCount;

/** Resolves once the sinks' span count has not moved for `quietMs` (or at the deadline). */
async function settle(ctx, { quietMs = 1_000, deadlineMs = 15_000 } = {}) {
  const deadline = Date.now() + deadlineMs;
  let last = spansAtSinks(ctx);
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = spansAtSinks(ctx);
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) break;
  }
  return last;
}

/** Collects the `marker {json}` lines a child prints after it is ready. */
function linesOf(child, marker) {
  const found = [];
  let buffer = "";
  child.stdout.on("data", (chunk) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.startsWith(marker)) found.push(JSON.parse(line.slice(marker.length)));
    }
  });
  return found;
}

async function waitFor(list, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (list.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return list.shift();
}

/** Ends the app so every preload flushes: SIGTERM (ours flushes and dies of it; the official register shuts its SDK down). */
async function flushAndStop(ctx, child) {
  child.kill("SIGTERM");
  await settle(ctx);
  await killChild(child);
}

async function rateLoad(shape, url, rate, seconds) {
  const r = await runToExit([shape.worker, url, String(rate), String(seconds)], {
    env: process.env,
    core: HARNESS_CORE,
    timeoutMs: seconds * 1000 + 30_000,
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("BENCH_LOAD "));
  if (!line) throw new Error(`load generator failed: ${r.stderr.slice(0, 400)}`);
  return JSON.parse(line.slice("BENCH_LOAD ".length));
}

/** Spans each variant makes per request of a server, from 50 requests at leisure. */
async function spansPerRequest(ctx, variant, server) {
  if (variant.family === "bare") return 0;
  const { child, payload } = await spawnUntilLine([...variant.args, server.app], { env: variant.env });
  try {
    const before = spansAtSinks(ctx);
    for (let i = 0; i < 50; i++) await (await fetch(`http://127.0.0.1:${payload.port}${server.path}`)).text();
    await flushAndStop(ctx, child);
    return (spansAtSinks(ctx) - before) / 50;
  } finally {
    await killChild(child);
  }
}

async function measureFixed(ctx, variant, server, shape, perRequest, settings) {
  const { child, payload } = await spawnUntilLine([...variant.args, server.app], { env: { ...variant.env, BENCH_STATS_ON_SIGNAL: "1" } });
  const stats = linesOf(child, "BENCH_STATS ");
  try {
    const url = `http://127.0.0.1:${payload.port}${server.path}`;
    await rateLoad(shape, url, server.rate, settings.warmup);
    await settle(ctx, { quietMs: 300, deadlineMs: 3_000 });
    const before = spansAtSinks(ctx);
    child.kill("SIGUSR2");
    const load = await rateLoad(shape, url, server.rate, settings.duration);
    child.kill("SIGUSR2");
    const window = await waitFor(stats);
    await flushAndStop(ctx, child);
    const received = spansAtSinks(ctx) - before;
    // The warm-up's last spans may arrive in the window; what the window's requests made is what is expected.
    const expected = load.total * perRequest;
    return {
      elu: window?.elu ?? NaN,
      cpuS: (window?.cpuMs ?? NaN) / 1000,
      // JSON has no NaN: a machine without schedstat sends null.
      mainCpuS: (window?.mainCpuMs ?? NaN) / 1000,
      mainWaitS: (window?.mainWaitMs ?? NaN) / 1000,
      rps: load.rps,
      p99: load.p99,
      errors: load.errors,
      received,
      expected,
      delivered: expected > 0 ? Math.min(received, expected) / expected : NaN,
    };
  } finally {
    await killChild(child);
  }
}

/** Ends `rate` spans a second for a few seconds; what share arrived, and how busy the app's thread was. */
async function measureEmitter(ctx, variant, rate, seconds) {
  const env = { ...variant.env, EMIT_RATE: String(rate), EMIT_SECONDS: String(seconds) };
  const { child } = await spawnUntilLine([...variant.args, "bench/apps/span-emitter.cjs"], { env });
  const emitted = linesOf(child, "BENCH_EMITTED ");
  try {
    const before = spansAtSinks(ctx);
    child.kill("SIGUSR2");
    const done = await waitFor(emitted, seconds * 1000 + 10_000);
    await flushAndStop(ctx, child);
    const received = spansAtSinks(ctx) - before;
    return { ended: done?.ended ?? NaN, received, delivered: done?.ended ? received / done.ended : NaN, elu: done?.elu ?? NaN };
  } finally {
    await killChild(child);
  }
}

/** CPU time so far of each thread of a process, ms (Linux schedstat), by thread id. */
function threadCpuMs(pid) {
  const cpu = {};
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      cpu[tid] = Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return cpu;
}

/**
 * Whole-process CPU per span once everything is warm: spans ended at `rate` for `warmS + measureS` seconds, the
 * threads' CPU read at the end of the warm-up and `measureS` later. By thread: the app's (main) thread, the busiest
 * other thread (ours: the sender), and the rest (V8's GC and compiler helpers, libuv's pool).
 */
async function measureSteady(ctx, variant, rate, warmS, measureS) {
  const env = { ...variant.env, EMIT_RATE: String(rate), EMIT_SECONDS: String(warmS + measureS + 1) };
  const { child } = await spawnUntilLine([...variant.args, "bench/apps/span-emitter.cjs"], { env });
  const emitted = linesOf(child, "BENCH_EMITTED ");
  try {
    const before = spansAtSinks(ctx);
    child.kill("SIGUSR2");
    await sleep(warmS * 1000);
    const start = threadCpuMs(child.pid);
    await sleep(measureS * 1000);
    const end = threadCpuMs(child.pid);
    const spans = rate * measureS;
    const perSpan = (ms) => (ms * 1000) / spans;
    const used = (tid) => end[tid] - (start[tid] ?? 0);
    // The main thread's id is the process's; of the others, the one that used the most CPU.
    const main = used(String(child.pid));
    const busiest = Math.max(0, ...Object.keys(end).filter((tid) => tid !== String(child.pid)).map(used));
    const total = Object.keys(end).reduce((sum, tid) => sum + used(tid), 0);
    const done = await waitFor(emitted, 10_000);
    await flushAndStop(ctx, child);
    return {
      totalUs: perSpan(total),
      mainUs: perSpan(main),
      busiestUs: perSpan(busiest),
      restUs: perSpan(total - main - busiest),
      delivered: done?.ended ? (spansAtSinks(ctx) - before) / done.ended : NaN,
    };
  } finally {
    await killChild(child);
  }
}

/**
 * The HTTP client's own cost: the sender's transport stack (our HTTP/1.1 client, retries, breaker) posting span-sized events to the event sink, nothing else;
 * flat out, or with `pace` ({ rate, burst, connections }) at an app's rate.
 */
async function clientFloor(ctx, requests, pace) {
  const paceArgs = pace ? [pace.rate, pace.burst, pace.connections].map(String) : [];
  const r = await runToExit(["bench/workers/client-floor.mjs", ctx.sinks.event.url, String(requests), ...paceArgs], { env: process.env, core: 0, timeoutMs: 120_000 });
  const line = r.stdout.split("\n").find((l) => l.startsWith("BENCH_FLOOR "));
  if (!line) throw new Error(`client floor failed: ${r.stderr.slice(0, 400)}`);
  return JSON.parse(line.slice("BENCH_FLOOR ".length));
}

export async function run(ctx) {
  const settings = ctx.quick ? { rounds: 1, duration: 4, warmup: 1, emitSeconds: 3 } : { rounds: 3, duration: 8, warmup: 2, emitSeconds: 5 };
  const variants = pickVariants(ctx, VARIANT_IDS);
  const fixed = {};
  for (const [id, server] of Object.entries(SERVERS)) {
    const perRequest = {};
    for (const v of variants) perRequest[v.id] = await spansPerRequest(ctx, v, server);
    ctx.log(id, "spans per request", JSON.stringify(perRequest));
    for (const [shapeId, shape] of Object.entries(SHAPES)) {
      const samples = await interleave(variants, settings.rounds, (v) => measureFixed(ctx, v, server, shape, perRequest[v.id], settings));
      const results = {};
      for (const v of variants) {
        const s = samples[v.id];
        results[v.id] = {
          elu: summarize(s.map((x) => x.elu)),
          cpuS: summarize(s.map((x) => x.cpuS)),
          mainCpuS: summarize(s.map((x) => x.mainCpuS)),
          mainWaitS: summarize(s.map((x) => x.mainWaitS)),
          rps: summarize(s.map((x) => x.rps)),
          p99: summarize(s.map((x) => x.p99)),
          delivered: summarize(s.map((x) => x.delivered)),
          errors: s.reduce((a, x) => a + x.errors, 0),
        };
      }
      (fixed[shapeId] ??= {})[id] = { perRequest, results };
      ctx.log(id, shapeId, JSON.stringify(results));
    }
  }

  const emitters = variants.filter((v) => v.family !== "bare");
  const rates = {};
  for (const v of emitters) {
    rates[v.id] = [];
    for (const rate of ctx.quick ? EMIT_RATES.slice(0, 3) : EMIT_RATES) {
      const r = await measureEmitter(ctx, v, rate, settings.emitSeconds);
      rates[v.id].push({ rate, ...r });
      ctx.log("emit", v.id, rate, JSON.stringify(r));
    }
  }

  const steady = {};
  const steadyTimes = ctx.quick ? [2, 3] : [6, 6];
  const steadySamples = await interleave(emitters, settings.rounds, (v) => measureSteady(ctx, v, STEADY_RATE, ...steadyTimes));
  for (const v of emitters) {
    const s = steadySamples[v.id];
    steady[v.id] = Object.fromEntries(["totalUs", "mainUs", "busiestUs", "restUs", "delivered"].map((k) => [k, summarize(s.map((x) => x[k]))]));
    ctx.log("steady", v.id, JSON.stringify(steady[v.id]));
  }
  const steadyFloor = await clientFloor(ctx, STEADY_RATE * (ctx.quick ? 3 : 6), { rate: STEADY_RATE, burst: 512, connections: 32 });
  ctx.log("client floor, steady rate", JSON.stringify(steadyFloor));

  const floor = await clientFloor(ctx, ctx.quick ? 5_000 : 20_000);
  ctx.log("client floor", JSON.stringify(floor));
  // At node:http's fixed rate, in the batch processor's 512-span batches, over the sender's 32 connections.
  const pacedFloor = await clientFloor(ctx, SERVERS.http.rate * (ctx.quick ? 4 : 8), { rate: SERVERS.http.rate, burst: 512, connections: 32 });
  ctx.log("client floor, paced", JSON.stringify(pacedFloor));
  const data = { settings, fixed, rates, floor, pacedFloor, steady, steadyTimes, steadyFloor };
  return { data, markdown: render(ctx, data, variants) };
}

const pct = (x) => (Number.isFinite(x) ? `${fmt(x * 100, 1)}%` : "n/a");

function render(ctx, data, variants) {
  const { settings, fixed, rates, floor, pacedFloor, undiciFloor, undiciPacedFloor, steady, steadyTimes, steadyFloor } = data;
  const out = [];
  out.push(
    `Each app (and its sender thread) pinned to core 0; the load generator and the sinks on the other core. The fixed rate is offered two ways: **evenly paced** (open loop: request i is due at i ÷ rate and is sent then, over up to 32 keep-alive connections, whatever came before; latency counted from when it was due; bench/workers/paced-load.mjs), the shape the targets are read from; and **in per-second bursts**, autocannon's \`overallRate\` with 10 connections, which sends each second's requests back to back at full speed and then idles until the next second (a sender thread working through its batches then competes with the app exactly while the app is busiest). ${settings.warmup} s warm-up, then ${settings.duration} s measured, ${settings.rounds} interleaved rounds. "App thread busy": the main thread's event-loop utilisation over the measured window; "app thread CPU": the main thread's own time on a CPU in that window, and "waiting for the core": its time runnable but not running (Linux schedstat; the busy figure counts both, so a sender thread on the app's core raises it without the app's thread doing more); "process CPU": user + system time of the whole process (all its threads) in that window; "spans delivered": spans at the sinks over the spans the window's requests made (spans per request counted first, at leisure). Both preloads started with \`--import\`; the official register exports OTLP/protobuf with its defaults.`,
  );
  if (!ctx.ours.available) out.push(`\n**Ours: not measured** — ${ctx.ours.reason}.`);
  for (const [shapeId, shape] of Object.entries(SHAPES)) {
    for (const [id, server] of Object.entries(SERVERS)) {
      const { perRequest, results: r } = fixed[shapeId][id];
      const official = r.officialImport;
      const rows = variants.map((v) => [
        v.label,
        fmt(perRequest[v.id], 0),
        fmtSummary(r[v.id].elu, 2),
        official && v.family === "ours" ? ratio(r[v.id].elu.median, official.elu.median) : "",
        fmtSummary(r[v.id].mainCpuS, 2),
        official && v.family === "ours" ? ratio(r[v.id].mainCpuS.median, official.mainCpuS.median) : "",
        fmtSummary(r[v.id].mainWaitS, 2),
        fmtSummary(r[v.id].cpuS, 2),
        fmtSummary(r[v.id].rps, 0),
        fmtSummary(r[v.id].p99, 1),
        v.family === "bare" ? "" : pct(r[v.id].delivered.min),
        String(r[v.id].errors),
      ]);
      out.push(`\n#### ${server.label}, ${shape.label}\n`);
      out.push(table(["variant", "spans/request", "app thread busy", "× official", `app thread CPU, s`, "× official", "waiting for the core, s", `process CPU, ${settings.duration} s`, "requests/s reached", "p99 latency ms", "spans delivered (worst round)", "errors"], rows));
    }
  }
  out.push(`\n#### Spans ended at a fixed rate (manual spans, ${settings.emitSeconds} s each): share delivered, app thread busy\n`);
  const emitters = variants.filter((v) => rates[v.id]);
  const rateRows = (rates[emitters[0]?.id] ?? []).map((row, i) => [
    `${fmt(row.rate, 0)} spans/s`,
    ...emitters.map((v) => `${pct(rates[v.id][i].delivered)}, busy ${fmt(rates[v.id][i].elu, 2)}`),
  ]);
  out.push(table(["rate", ...emitters.map((v) => v.label)], rateRows));
  for (const v of emitters) {
    const best = rates[v.id].filter((row) => row.delivered >= 0.9999).map((row) => row.rate);
    out.push(`\n${v.label}: highest rate with every span delivered: ${best.length ? `${fmt(Math.max(...best), 0)} spans/s` : "none of those tried"}.`);
  }
  const pacedText = pacedFloor
    ? ` At node:http's pace instead (${fmt(pacedFloor.rate, 0)} requests/s in bursts of ${fmt(pacedFloor.burst, 0)}, as the batch processor hands them over, ${fmt(pacedFloor.connections, 0)} connections like the sender): ${fmt(pacedFloor.cpuUsPerRequest, 1)} µs per request (${fmt(pacedFloor.requests, 0)} requests).`
    : "";
  out.push(
    `\n#### The HTTP client's floor\n\nThe sender's transport stack (our HTTP/1.1 client's pool, retries, breaker), as the sender uses it, alone in a process on core 0, posting span-sized events to the event sink with 8 in flight: ${fmt(floor.cpuUsPerRequest, 1)} µs of CPU per request (${fmt(floor.requests, 0)} requests, ${fmt(floor.rps, 0)}/s).${pacedText}`,
  );
  // Runs up to 2026-12-06 also measured undici, the client our own replaced (results without it skip this).
  if (undiciFloor && undiciPacedFloor) {
    out.push(
      `\nThe same stack through undici (the sender's client before our own replaced it, straight and through a proxy), in the same run: ${fmt(undiciFloor.cpuUsPerRequest, 1)} µs per request flat out, ${fmt(undiciPacedFloor.cpuUsPerRequest, 1)} µs at node:http's pace: ours costs ${fmt(floor.cpuUsPerRequest / undiciFloor.cpuUsPerRequest, 2)}× and ${fmt(pacedFloor.cpuUsPerRequest / undiciPacedFloor.cpuUsPerRequest, 2)}× undici's.`,
    );
  }
  const e = fixed.paced.http.results;
  const perSpanOf = (id) => ((e[id].cpuS.median - e.bare.cpuS.median) * 1e6) / (SERVERS.http.rate * settings.duration * fixed.paced.http.perRequest[id]);
  if (e.oursImport && e.bare) {
    const perSpan = perSpanOf("oursImport");
    const paced = pacedFloor ? `, ${fmt(perSpan / pacedFloor.cpuUsPerRequest, 2)}× the paced floor` : "";
    const official = e.officialImport ? ` The official register's, the same way: ${fmt(perSpanOf("officialImport"), 1)} µs (its instrumentation, which ours shares, and its OTLP export).` : "";
    out.push(
      `\nWhole-process CPU per exported span, events transport, node:http at ${fmt(SERVERS.http.rate, 0)}/s evenly paced (ours minus bare, medians): ${fmt(perSpan, 1)} µs, ${fmt(perSpan / floor.cpuUsPerRequest, 2)}× the client's floor (target ≤ 1.5×)${paced}.${official}`,
    );
  }
  // Runs before 2026-12-07 had no steady-state measure (results without it skip this).
  if (steady && steadyFloor) {
    const steadyVariants = variants.filter((v) => steady[v.id]);
    out.push(
      `\n#### Whole-process CPU per span, warm (manual spans at ${fmt(STEADY_RATE, 0)}/s)\n\nThe span emitter alone (no server work, no instrumented library: a manual span costs the app next to nothing, so this is the export path's own cost): ${steadyTimes[0]} s to warm up, then every thread's CPU over ${steadyTimes[1]} s (Linux schedstat), per span; ${settings.rounds} interleaved rounds, medians. "Busiest other thread": ours, the sender thread; "the rest": V8's garbage-collector and compiler helper threads and libuv's pool.\n`,
    );
    out.push(
      table(
        ["variant", "whole process, µs/span", "app's thread", "busiest other thread", "the rest", "spans delivered (worst round)"],
        steadyVariants.map((v) => [v.label, fmtSummary(steady[v.id].totalUs, 1), fmtSummary(steady[v.id].mainUs, 1), fmtSummary(steady[v.id].busiestUs, 1), fmtSummary(steady[v.id].restUs, 1), pct(steady[v.id].delivered.min)]),
      ),
    );
    if (steady.oursImport) {
      const perSpan = steady.oursImport.totalUs.median;
      out.push(
        `\nThe client's floor at this rate (${fmt(STEADY_RATE, 0)} requests/s in bursts of 512 over 32 connections, as the sender gets them): ${fmt(steadyFloor.cpuUsPerRequest, 1)} µs per request. Events transport, warm: ${fmt(perSpan, 1)} µs per span, ${fmt(perSpan / steadyFloor.cpuUsPerRequest, 2)}× the floor at this rate and ${fmt(perSpan / floor.cpuUsPerRequest, 2)}× the flat-out floor (target ≤ 1.5×).`,
      );
    }
  }
  return out.join("\n");
}

export function headline(data) {
  const lines = [];
  for (const [id, server] of Object.entries(SERVERS)) {
    const r = data.fixed?.paced?.[id]?.results;
    const bursts = data.fixed?.bursts?.[id]?.results;
    if (!r?.officialImport) continue;
    const parts = ["oursImport", "oursOtlpImport"]
      .filter((k) => r[k])
      .map((k) => {
        const cpu = r[k].mainCpuS && r.officialImport.mainCpuS ? `, its CPU ${ratio(r[k].mainCpuS.median, r.officialImport.mainCpuS.median)}` : "";
        const inBursts = bursts?.[k] && bursts.officialImport ? `; in per-second bursts ${ratio(bursts[k].elu.median, bursts.officialImport.elu.median)}` : "";
        return `${k === "oursImport" ? "events" : "otlp"} ${ratio(r[k].elu.median, r.officialImport.elu.median)} (${pct(r[k].delivered.min)} delivered${cpu}${inBursts})`;
      });
    lines.push(`App thread busy at ${server.label} evenly paced, ours ÷ official (target ≤ 0.80×): ${parts.join(", ")}.`);
  }
  const warm = data.steady;
  if (warm?.oursImport && data.steadyFloor) {
    const others = [["oursOtlpImport", "otlp"], ["officialImport", "official register"]].filter(([k]) => warm[k]).map(([k, label]) => `${label} ${fmt(warm[k].totalUs.median, 1)}`);
    lines.push(
      `Whole-process CPU per span, warm (manual spans at ${fmt(STEADY_RATE, 0)}/s): events ${fmt(warm.oursImport.totalUs.median, 1)} µs, ${fmt(warm.oursImport.totalUs.median / data.steadyFloor.cpuUsPerRequest, 2)}× the HTTP client's floor at that pace (target ≤ 1.5×); ${others.join(", ")} µs.`,
    );
  }
  return lines;
}
