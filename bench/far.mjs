// 12. A backend far away: what arrives when every request takes a network's round trip. The sinks answer each
// request `delay` ms late (a stand-in for the distance to AxonPush; loopback otherwise answers in microseconds);
// manual spans are ended at fixed rates (bench/apps/span-emitter.cjs) and counted at the sink once the app has
// ended. One request per span (events) is bound by the requests in flight; OTLP sends one per batch. With
// AXONPUSH_BENCH_BEFORE=<built checkout>, that build's preload is measured too.
import http from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { killChild, spawnUntilLine } from "./lib/child.mjs";
import { countOtlpSpans } from "./lib/otlp-count.mjs";
import { fmt } from "./lib/stats.mjs";
import { table } from "./lib/table.mjs";
import { makeVariants } from "./lib/variants.mjs";

const DELAYS_MS = [50];
const RATES = [1_000, 2_000, 4_000, 8_000];

/** A sink answering every request `delayMs` late: `POST /event` like AxonPush, `/v1/traces` like an OTLP collector. */
async function startFarSink(delayMs) {
  const sink = { spans: 0, open: 0, peakOpen: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () =>
      setTimeout(() => {
        if (req.url === "/event") {
          sink.spans++;
          res.writeHead(201, { "content-type": "application/json" });
          res.end('{"id":"1","eventId":"e","identifier":"span","dedupKey":null,"createdAt":"2026-01-01T00:00:00Z","queued":true}');
        } else {
          sink.spans += countOtlpSpans(Buffer.concat(chunks), req.headers["content-type"]);
          res.writeHead(200, { "content-type": "application/x-protobuf" });
          res.end();
        }
      }, delayMs),
    );
  });
  server.on("connection", (socket) => {
    sink.peakOpen = Math.max(sink.peakOpen, ++sink.open);
    socket.on("close", () => sink.open--);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  sink.url = `http://127.0.0.1:${server.address().port}`;
  sink.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return sink;
}

/** Resolves once the sink's span count has not moved for `quietMs` (or at the deadline). */
async function settled(sink, quietMs, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  let last = sink.spans;
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(100);
    if (sink.spans !== last) {
      last = sink.spans;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) break;
  }
}

async function measure(variant, delayMs, rate, seconds) {
  const sink = await startFarSink(delayMs);
  // Only the official register is pointed at OTLP: under ours the variable would add a second, OTLP exporter.
  const target = variant.family === "official" ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } : { AXONPUSH_BASE_URL: sink.url };
  const env = { ...variant.env, ...target, EMIT_RATE: String(rate), EMIT_SECONDS: String(seconds) };
  const { child } = await spawnUntilLine([...variant.args, "bench/apps/span-emitter.cjs"], { env, node: variant.node });
  let ended = NaN;
  child.stdout.on("data", (d) => {
    const m = /BENCH_EMITTED (\{.*\})/.exec(String(d));
    if (m) ended = JSON.parse(m[1]).ended;
  });
  try {
    child.kill("SIGUSR2");
    await sleep(seconds * 1000 + 300);
    // Ours flushes within its exit budget and dies of SIGTERM; the official register shuts its SDK down and stays.
    child.kill("SIGTERM");
    await settled(sink, 1_500, 15_000);
    return { ended, delivered: sink.spans / ended, peakConnections: sink.peakOpen };
  } finally {
    await killChild(child);
    await sink.close();
  }
}

export async function run(ctx) {
  const seconds = ctx.quick ? 3 : 5;
  const all = makeVariants(ctx.sinks);
  const variants = [all.oursImport, all.oursOtlpImport, all.officialImport];
  const before = process.env.AXONPUSH_BENCH_BEFORE ? path.resolve(process.env.AXONPUSH_BENCH_BEFORE) : undefined;
  if (before) {
    const register = path.join(before, "dist/register.js");
    variants.unshift({ ...all.oursImport, id: "oursBefore", label: "ours --import, before", args: ["--import", register] });
  }
  const results = {};
  for (const delayMs of DELAYS_MS) {
    for (const rate of ctx.quick ? RATES.slice(0, 2) : RATES) {
      for (const v of variants) {
        const r = await measure(v, delayMs, rate, seconds);
        (results[v.id] ??= []).push({ delayMs, rate, ...r });
        ctx.log(v.id, `${delayMs} ms`, `${rate}/s`, JSON.stringify(r));
      }
    }
  }
  const data = { seconds, before: before ?? null, labels: Object.fromEntries(variants.map((v) => [v.id, v.label])), results };
  return { data, markdown: render(data) };
}

function render(data) {
  const ids = Object.keys(data.results);
  const cells = data.results[ids[0]];
  const out = [
    `A sink that answers every request ${DELAYS_MS.join(" / ")} ms late (the distance to AxonPush; on loopback it answers in microseconds), in the harness's process on the other core; manual spans ended at each rate for ${data.seconds} s (bench/apps/span-emitter.cjs, pinned to core 0), then SIGTERM, and the spans counted at the sink once it went quiet. One run each. Cells: spans delivered, and the most connections open at once at the sink. The events transport sends one request per span, so what arrives is bound by the requests in flight ÷ the delay; OTLP sends one per batch.${data.before ? ` "before" is the preload of \`${data.before}\` (AXONPUSH_BENCH_BEFORE).` : ""}`,
    "",
    table(
      ["delay, rate", ...ids.map((id) => data.labels[id])],
      cells.map((cell, i) => [
        `${cell.delayMs} ms, ${fmt(cell.rate, 0)} spans/s`,
        ...ids.map((id) => {
          const r = data.results[id][i];
          return `${fmt(100 * r.delivered, 1)}% (${r.peakConnections} conn.)`;
        }),
      ]),
    ),
  ];
  return out.join("\n");
}

export function headline(data) {
  const ours = data.results.oursImport;
  if (!ours) return [];
  const lossless = ours.filter((r) => r.delivered >= 0.9995).map((r) => r.rate);
  const best = lossless.length ? Math.max(...lossless) : 0;
  const beforeRuns = data.results.oursBefore;
  const beforeBest = beforeRuns ? Math.max(0, ...beforeRuns.filter((r) => r.delivered >= 0.9995).map((r) => r.rate)) : undefined;
  return [
    `A backend ${ours[0].delayMs} ms away, events transport: every span delivered up to ${fmt(best, 0)} spans/s (rates tried up to ${fmt(Math.max(...ours.map((r) => r.rate)), 0)})${beforeBest !== undefined ? `; before: ${fmt(beforeBest, 0)} spans/s` : ""}.`,
  ];
}
