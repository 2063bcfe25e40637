// End to end: an extra OTLP exporter beside AxonPush (OTEL_TRACES_EXPORTER /
// an OTLP endpoint). The local receiver takes both POST /event and OTLP
// POST /v1/traces, so one run shows every span reaching both backends.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { axonpushEnv, killAllFixtures, runFixture, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { expectWholeTree, waitForTrace } from "./helpers/trace-assertions.js";
import type { ReceivedSpan } from "../src/receiver/index.js";

const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });

const otlpHeaders = `x-api-key=${TEST_API_KEY},x-tenant-id=${TEST_TENANT},x-axonpush-channel=ch_otlp`;

describe("multiple exporters", () => {
  it("sends every span to AxonPush and to the OTLP endpoint, each on its own processor", async () => {
    const app = await runFixture({
      script: "fixtures/cjs-http/app.cjs",
      nodeArgs: ["--require", "axonpush-otel/register"],
      env: axonpushEnv(receiver.url, {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
        OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders,
      }),
    });
    await fetch(`http://127.0.0.1:${app.port}/outer`);
    // Only what came as events: the OTLP copies of the same spans may arrive first (each processor sends on its own).
    const events = {
      waitForSpans: (predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number) =>
        receiver.waitForSpans((all) => predicate(all.filter((s) => s.via === "event")), timeoutMs).then((all) => all.filter((s) => s.via === "event")),
    };
    const viaEvent = await waitForTrace(events, (s) => s.attributes["url.path"] === "/outer", 3);
    expectWholeTree(viaEvent);
    const ids = viaEvent.map((s) => s.spanId).sort();
    const all = await receiver.waitForSpans((spans) => ids.every((id) => spans.some((s) => s.via === "otlp" && s.spanId === id)), 15_000);
    const viaOtlp = all.filter((s) => s.via === "otlp" && s.traceId === viaEvent[0]!.traceId);
    expect(viaOtlp.map((s) => s.spanId).sort()).toEqual(ids);
    // Neither exporter's own requests were traced: only the app's spans, once per backend.
    expect(all.filter((s) => s.via === "event")).toHaveLength(ids.length);
    expect(all.filter((s) => s.via === "otlp")).toHaveLength(ids.length);
  });

  it("without the AxonPush variables, still traces to the OTLP endpoint, with one warning", async () => {
    const app = await runFixture({
      script: "fixtures/cjs-http/app.cjs",
      nodeArgs: ["--require", "axonpush-otel/register"],
      env: { OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders, OTEL_BSP_SCHEDULE_DELAY: "50" },
    });
    await fetch(`http://127.0.0.1:${app.port}/outer`);
    const trace = await waitForTrace(receiver, (s) => s.attributes["url.path"] === "/outer", 3);
    expectWholeTree(trace);
    expect(trace.every((s) => s.via === "otlp")).toBe(true);
    expect(receiver.spans().filter((s) => s.via === "event")).toEqual([]);
    const warnings = app.stderr().split("\n").filter((l) => l.startsWith("axonpush-otel:"));
    expect(warnings).toEqual([expect.stringContaining("AXONPUSH_API_KEY is not set: nothing is sent to AxonPush; spans still go to otlp.")]);
  });

  it("exports no metrics or logs unless OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER ask, even with an OTLP endpoint set", async () => {
    const env = axonpushEnv(receiver.url, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders,
      OTEL_METRIC_EXPORT_INTERVAL: "100",
    });
    // The receiver serves /v1/logs (and answers /v1/metrics 404): every try is seen.
    const otherSignals = () => receiver.tries.filter((t) => /^\/v1\/(metrics|logs)$/.test(t.path));

    const quiet = await runFixture({ script: "fixtures/cjs-http/app.cjs", nodeArgs: ["--require", "axonpush-otel/register"], env });
    await fetch(`http://127.0.0.1:${quiet.port}/outer`);
    await waitForTrace(receiver, (s) => s.via === "otlp" && s.attributes["url.path"] === "/outer", 3);
    await new Promise((r) => setTimeout(r, 600));
    expect(otherSignals()).toEqual([]);
    await quiet.kill();
    receiver.reset();

    // The same run with metrics asked for does post them.
    const asked = await runFixture({ script: "fixtures/cjs-http/app.cjs", nodeArgs: ["--require", "axonpush-otel/register"], env: { ...env, OTEL_METRICS_EXPORTER: "otlp" } });
    await fetch(`http://127.0.0.1:${asked.port}/outer`);
    await expect.poll(() => otherSignals().length, { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it("leaves out the metrics-only runtime-node without a metrics exporter, and keeps it (its metrics exported) with one", async () => {
    const startedLine = (stderr: string) => {
      const line = stderr.split("\n").find((l) => l.startsWith("axonpush-otel: started "));
      return JSON.parse(line!.slice("axonpush-otel: started ".length)) as { instrumentations: string[]; notNeeded?: Record<string, string> };
    };
    const env = axonpushEnv(receiver.url, { AXONPUSH_DEBUG: "true", OTEL_METRIC_EXPORT_INTERVAL: "200" });

    const quiet = await runFixture({ script: "fixtures/cjs-http/app.cjs", nodeArgs: ["--import", "axonpush-otel/register"], env });
    await fetch(`http://127.0.0.1:${quiet.port}/outer`);
    await waitForTrace(receiver, (s) => s.attributes["url.path"] === "/outer", 3);
    const withoutMetrics = startedLine(quiet.stderr());
    expect(withoutMetrics.instrumentations).toContain("http");
    expect(withoutMetrics.instrumentations).not.toContain("runtime-node");
    expect(withoutMetrics.instrumentations).not.toContain("aws-lambda");
    expect(withoutMetrics.notNeeded).toEqual({
      "runtime-node": "records metrics only, and OTEL_METRICS_EXPORTER names no exporter",
      "aws-lambda": "not running in AWS Lambda (no LAMBDA_TASK_ROOT and _HANDLER)",
    });
    await quiet.kill();
    receiver.reset();

    // With a metrics exporter it runs, and its event-loop metrics come out.
    const metricBodies: string[] = [];
    const collector = http.createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        metricBodies.push(body);
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    try {
      const metricsEnv = {
        ...env,
        OTEL_METRICS_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/metrics`,
        OTEL_METRIC_EXPORT_TIMEOUT: "150",
      };
      const metered = await runFixture({ script: "fixtures/cjs-http/app.cjs", nodeArgs: ["--import", "axonpush-otel/register"], env: metricsEnv });
      const withMetrics = startedLine(metered.stderr());
      expect(withMetrics.instrumentations).toContain("runtime-node");
      expect(withMetrics.notNeeded).toEqual({ "aws-lambda": "not running in AWS Lambda (no LAMBDA_TASK_ROOT and _HANDLER)" });
      await expect.poll(() => metricBodies.some((body) => body.includes('"nodejs.eventloop.utilization"')), { timeout: 10_000 }).toBe(true);
      // Still every span to AxonPush.
      await fetch(`http://127.0.0.1:${metered.port}/outer`);
      expectWholeTree(await waitForTrace(receiver, (s) => s.attributes["url.path"] === "/outer", 3));
    } finally {
      collector.closeAllConnections();
      collector.close();
    }
  });

  it("OTEL_LOGS_EXPORTER=otlp sends each log record to the OTLP endpoint too, beside the app.log events", async () => {
    const app = await runFixture({
      script: "fixtures/logs/app.mjs",
      nodeArgs: ["--import", "axonpush-otel/register"],
      env: axonpushEnv(receiver.url, {
        OTEL_LOGS_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${receiver.url}/v1/logs`,
        OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders,
        OTEL_BLRP_SCHEDULE_DELAY: "50",
      }),
    });
    await fetch(`http://127.0.0.1:${app.port}/work`);
    const bodies = ["orders service starting", "winston ready", "bunyan ready", "user 42 loaded", "cache miss", "slow query"];
    const logs = await receiver.waitForLogs((all) => ["event", "otlp"].every((via) => all.filter((log) => log.via === via).length >= 6), 15_000);
    for (const via of ["event", "otlp"]) expect(logs.filter((log) => log.via === via).map((log) => log.body).sort(), via).toEqual([...bodies].sort());
    expect(receiver.rejections).toEqual([]);
  });
});
