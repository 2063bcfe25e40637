// End to end: no trace made of noise, by default (src/preload/noise). A real
// app (fixtures/noise/app.mjs) under the preload resolves its listening
// address and opens a connection at start-up, outside any request, and each
// of its requests looks up localhost and calls a dependency (a plain server
// in this test process). Requests from health checkers and to
// AXONPUSH_IGNORE_PATHS are answered as usual but leave no span, not even of
// what they did; dns and net spans are kept inside traces only; the
// AXONPUSH_TRACE_* switches bring both back; AXONPUSH_DEBUG=true counts what
// was left out.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReceivedSpan } from "../src/receiver/index.js";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { axonpushEnv, killAllFixtures, runFixture, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { ancestorsOf } from "./helpers/trace-assertions.js";

const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });

// The app's dependency: answers every request, counting them.
let dependencyHits = 0;
const dependency = http.createServer((_req, res) => {
  dependencyHits += 1;
  res.end("ok");
});
let dependencyUrl = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => dependency.listen(0, "127.0.0.1", resolve));
  dependencyUrl = `http://127.0.0.1:${(dependency.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => dependency.close(() => resolve())));

const KUBE_PROBE = "kube-probe/1.31";
const ELB = "ELB-HealthChecker/2.0";
const UPTIME_ROBOT = "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)";
const DNS_NET = ["dns.lookup", "tcp.connect"];

interface Visit {
  path: string;
  userAgent?: string;
}

/** Runs the app, makes each visit in turn, then GET /quit; returns once the app has ended by itself. */
async function visitApp(visits: Visit[], env: Record<string, string>) {
  dependencyHits = 0;
  const app = await runFixture({
    script: "fixtures/noise/app.mjs",
    nodeArgs: ["--import", "axonpush-otel/register"],
    env: axonpushEnv(receiver.url, { DOWNSTREAM_URL: dependencyUrl, ...env }),
  });
  const answers: string[] = [];
  for (const visit of [...visits, { path: "/quit" }]) {
    const response = await fetch(`http://127.0.0.1:${app.port}${visit.path}`, { headers: visit.userAgent ? { "user-agent": visit.userAgent } : {} });
    answers.push(`${response.status} ${await response.text()}`);
  }
  const ended = await app.exited;
  // Everything was flushed as the app ended; the /quit trace comes last.
  const spans = await receiver.waitForSpans((all) => all.some((span) => requestPath(span) === "/quit"), 10_000);
  return { answers, ended, spans, stderr: app.stderr() };
}

const isServer = (span: ReceivedSpan) => span.kind === "SERVER";
const requestPath = (span: ReceivedSpan) => (isServer(span) ? span.attributes["url.path"] : undefined);
const roots = (spans: ReceivedSpan[]) => spans.filter((span) => !span.parentSpanId);
const callsToDependency = (spans: ReceivedSpan[]) => spans.filter((span) => span.kind === "CLIENT" && span.attributes["url.full"] === dependencyUrl);

/** The request's SERVER span and every span below it, by name. */
function namesBelow(spans: ReceivedSpan[], path: string): string[] {
  const request = spans.find((span) => requestPath(span) === path);
  if (!request) return [];
  return spans.filter((span) => ancestorsOf(spans, span).some((a) => a.spanId === request.spanId)).map((span) => span.name).sort();
}

/** What every traced request of the app makes: its dns lookup, its call to the dependency and that call's connection. */
const REQUEST_WORK = ["GET", "dns.lookup", "tcp.connect"];

describe("noise left out by default", () => {
  const visits: Visit[] = [
    { path: "/orders" },
    { path: "/healthz", userAgent: KUBE_PROBE },
    { path: "/", userAgent: ELB },
    { path: "/status", userAgent: UPTIME_ROBOT },
    { path: "/internal/stats" },
    { path: "/metrics?format=prometheus" },
    { path: "/metrics/extra" },
  ];

  it("traces the app's own requests with their dns and net spans; probes, ignored paths and what they did leave no span; debug counts them", async () => {
    const run = await visitApp(visits, { AXONPUSH_IGNORE_PATHS: "/internal/*,/metrics,stats", AXONPUSH_DEBUG: "true" });

    // Every request was answered as usual, and called the dependency, traced or not.
    expect(run.answers).toEqual([...visits.map(() => "200 downstream said 200"), "200 bye"]);
    expect(dependencyHits).toBe(visits.length);
    expect([run.ended.code, run.ended.signal]).toEqual([0, null]);

    // Traced: /orders and /metrics/extra (not the exact /metrics), with what they did below them.
    expect(namesBelow(run.spans, "/orders")).toEqual(REQUEST_WORK);
    expect(namesBelow(run.spans, "/metrics/extra")).toEqual(REQUEST_WORK);
    expect(callsToDependency(run.spans)).toHaveLength(2);

    // Nothing else: every trace starts at one of those requests (or /quit); no dns/net span stands alone.
    expect(roots(run.spans).map((span) => `${span.kind} ${requestPath(span) ?? span.name}`).sort()).toEqual([
      "SERVER /metrics/extra",
      "SERVER /orders",
      "SERVER /quit",
    ]);
    expect(run.spans.filter((span) => DNS_NET.includes(span.name) && !span.parentSpanId)).toEqual([]);
    expect(receiver.rejections).toEqual([]);

    // One warning for the bad entry; with AXONPUSH_DEBUG, the first of each kind left out, then the totals at exit.
    const lines = run.stderr.split("\n");
    expect(lines.filter((line) => line.includes("AXONPUSH_IGNORE_PATHS must"))).toEqual([
      'axonpush-otel: AXONPUSH_IGNORE_PATHS must list paths starting with "/", each exact or ending in "*" (e.g. /healthz,/internal/*), got "stats"; ignoring it.',
    ]);
    expect(lines).toContain(
      `axonpush-otel: left out a request from a health checker (User-Agent "${KUBE_PROBE}", GET /healthz); AXONPUSH_TRACE_PROBES=true traces them. Counting them.`,
    );
    expect(lines).toContain(
      "axonpush-otel: left out a request to a path in AXONPUSH_IGNORE_PATHS (GET /internal/stats); they are traced again once their path leaves AXONPUSH_IGNORE_PATHS. Counting them.",
    );
    expect(lines.some((line) => /^axonpush-otel: left out a dns\/net span without a parent span \((dns\.lookup|tcp\.connect)\)/.test(line))).toBe(true);
    expect(lines.find((line) => line.includes("left out of traces in all"))).toMatch(
      /^axonpush-otel: left out of traces in all: 3 requests from health checkers, 2 requests to paths in AXONPUSH_IGNORE_PATHS, \d+ dns\/net spans? without a parent span\.$/,
    );
    // The query string of an ignored request is never printed (it may carry secrets).
    expect(run.stderr).not.toContain("format=prometheus");
  });

  it("prints nothing about what it left out without AXONPUSH_DEBUG", async () => {
    const run = await visitApp(visits.slice(0, 2), {});
    expect(roots(run.spans).map((span) => requestPath(span) ?? span.name).sort()).toEqual(["/orders", "/quit"]);
    expect(run.stderr).toBe("");
  });
});

describe("noise traced when asked", () => {
  it("AXONPUSH_TRACE_PROBES=true traces health checkers, AXONPUSH_TRACE_ORPHAN_DNS_NET=true keeps dns/net spans without a parent", async () => {
    const run = await visitApp([{ path: "/healthz", userAgent: KUBE_PROBE }], {
      AXONPUSH_TRACE_PROBES: "true",
      AXONPUSH_TRACE_ORPHAN_DNS_NET: "true",
    });
    expect(namesBelow(run.spans, "/healthz")).toEqual(REQUEST_WORK);
    const probe = run.spans.find((span) => requestPath(span) === "/healthz")!;
    expect(probe.attributes["user_agent.original"]).toBe(KUBE_PROBE);
    // The start-up work stands alone: the address the server listens on, the connection to the dependency.
    const alone = roots(run.spans).filter((span) => DNS_NET.includes(span.name));
    expect(alone.map((span) => span.name)).toEqual(expect.arrayContaining(["tcp.connect"]));
    expect(alone.length).toBeGreaterThanOrEqual(1);
  });

  it("each switch alone brings back only its own kind", async () => {
    const probes = await visitApp([{ path: "/healthz", userAgent: KUBE_PROBE }], { AXONPUSH_TRACE_PROBES: "true" });
    expect(namesBelow(probes.spans, "/healthz")).toEqual(REQUEST_WORK);
    expect(roots(probes.spans).filter((span) => DNS_NET.includes(span.name))).toEqual([]);
    receiver.reset();

    const dnsNet = await visitApp([{ path: "/healthz", userAgent: KUBE_PROBE }], { AXONPUSH_TRACE_ORPHAN_DNS_NET: "true" });
    expect(dnsNet.spans.filter((span) => requestPath(span) === "/healthz")).toEqual([]);
    expect(roots(dnsNet.spans).map((span) => span.name)).toContain("tcp.connect");
  });
});
