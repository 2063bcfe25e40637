// End to end: an Express app logging with pino, winston and bunyan (at
// start-up and inside a request) under `--import axonpush-otel/register`,
// against the strict receiver, both transports and both API versions: every
// record arrives with its severity, body, attributes and resource, inside the
// request's trace under the span it was written in (start-up records in
// traces of their own), none stored twice across a cut-off response, the
// app's stdout as without the preload but for today's trace-id injection.
// AXONPUSH_LOGS=false and OTEL_LOGS_EXPORTER=none send none; console only on
// request; a storm of 100,000 records costs no span.
import { describe, expect, it } from "vitest";
import type { LocalReceiver, ReceivedLog, ReceivedSpan } from "../src/receiver/index.js";
import { expectOnlyExpectedRefusals, SUITE_APIS, type SuiteApi } from "./helpers/api-versions.js";
import { axonpushEnv, killAllFixtures, runFixture, TEST_API_KEY, TEST_TENANT, type FixtureRun } from "./helpers/fixture-process.js";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { waitForTrace } from "./helpers/trace-assertions.js";
import { TRANSPORTS, type TransportCase } from "./helpers/transports.js";

const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });
const nestReceiver = useSuiteReceiver({ api: "nest", apiKey: TEST_API_KEY, tenantId: TEST_TENANT });
const receivers: Record<SuiteApi, LocalReceiver> = { go: receiver, nest: nestReceiver };

const SCRIPT = "fixtures/logs/app.mjs";
const PRELOAD = ["--import", "axonpush-otel/register"];
const STARTUP_BODIES = ["orders service starting", "winston ready", "bunyan ready"];

async function startApp(to: LocalReceiver, env: Record<string, string> = {}): Promise<FixtureRun> {
  return runFixture({ script: SCRIPT, nodeArgs: PRELOAD, env: axonpushEnv(to.url, env) });
}

const get = async (app: FixtureRun, path: string) => (await fetch(`http://127.0.0.1:${app.port}${path}`)).json();

/** The handler's span of `GET <path>`'s trace, once the whole trace (server span and handler span) arrived. */
async function handlerSpanOf(to: LocalReceiver, path: string): Promise<ReceivedSpan> {
  const trace = await waitForTrace(to, (s) => s.kind === "SERVER" && s.name === `GET ${path}`, 2);
  return trace.find((s) => s.name === `request handler - ${path}`)!;
}

const byBody = (logs: ReceivedLog[], body: string) => logs.filter((log) => log.body === body);

/** The app's stdout as comparable lines: what varies between runs (times, pid, host, port) and the injected trace ids left out. */
function comparableStdout(stdout: string): string[] {
  return stdout
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("READY "))
    .map((line) => {
      if (!line.startsWith("{")) return line;
      const { time: _t, pid: _p, hostname: _h, trace_id: _ti, span_id: _si, trace_flags: _tf, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify(rest);
    })
    .sort();
}

describe.each(TRANSPORTS)("$name transport", (transport: TransportCase) => {
  describe.each(SUITE_APIS)("against %s", (api) => {
    it("pino, winston and bunyan records arrive inside the request's trace under its span; start-up ones in traces of their own", async () => {
      const to = receivers[api];
      to.reset();
      const app = await startApp(to, { AXONPUSH_ENVIRONMENT: "staging", ...transport.env });
      await to.waitForLogs(3);
      expect(await get(app, "/work")).toEqual({ ok: true });
      const handler = await handlerSpanOf(to, "/work");
      const logs = await to.waitForLogs(6);
      await app.kill();

      const [pino] = byBody(logs, "user 42 loaded");
      const [winston] = byBody(logs, "cache miss");
      const [bunyan] = byBody(logs, "slow query");
      for (const record of [pino, winston, bunyan]) {
        expect(record, JSON.stringify(logs)).toBeDefined();
        expect(record).toMatchObject({ traceId: handler.traceId, parentSpanId: handler.spanId, via: transport.via });
        expect(record!.resource).toMatchObject({ "service.name": "fixture-logs", "service.version": "4.5.6", "deployment.environment": "staging" });
      }
      expect(pino).toMatchObject({ severityNumber: 9, severityText: "info" });
      // The password is redacted; a nested object is JSON; numbers are strings.
      expect(pino!.attributes).toEqual({ name: "orders", user: "42", password: "[REDACTED]", cart: '{"items":3,"coupon":"SPRING"}' });
      expect(winston).toMatchObject({ severityNumber: 13, severityText: "warn", attributes: { key: "user:42" } });
      expect(bunyan).toMatchObject({ severityNumber: 17, severityText: "error" });
      expect(bunyan!.attributes).toMatchObject({ name: "payments", "exception.type": "Error", "exception.message": "db slow" });
      expect(bunyan!.attributes["exception.stacktrace"]).toMatch(/^Error: db slow\n/);

      const startup = STARTUP_BODIES.map((body) => byBody(logs, body)[0]!);
      for (const record of startup) {
        expect(record.parentSpanId).toBeUndefined();
        expect(record.traceId).not.toBe(handler.traceId);
      }
      if (transport.name === "events") {
        expect([pino, winston, bunyan].map((r) => [r!.identifier, r!.framework])).toEqual([
          ["orders", "pino"],
          ["winston", "winston"],
          ["payments", "bunyan"],
        ]);
        // Each record its own span id, in the request's trace; start-up records each in a trace of its own.
        expect(new Set(logs.map((log) => log.spanId)).size).toBe(6);
        expect(new Set(startup.map((log) => log.traceId)).size).toBe(3);
      } else {
        expect([pino, winston, bunyan].map((r) => r!.scope?.name)).toEqual([
          "@opentelemetry/instrumentation-pino",
          "@opentelemetry/winston-transport",
          "@opentelemetry/instrumentation-bunyan",
        ]);
        for (const record of startup) expect(record.traceId).toBeUndefined();
      }
      expect(logs).toHaveLength(6);
      expectOnlyExpectedRefusals(to, api);
      expect(app.stderr()).toBe("");
    });
  });

  // go keeps no record of OTLP requests it has seen (the contract documents none), so a batch sent
  // again is stored again there, for spans as for log records: that case is not ours to promise.
  const cutOffApis = transport.name === "otlp" ? (["nest"] as const) : SUITE_APIS;
  it.each(cutOffApis)("none is stored twice when the answer is cut off after it was stored (%s)", async (api) => {
    const to = receivers[api];
    to.reset();
    const app = await startApp(to, transport.env);
    await to.waitForLogs(3);
    to.failNext({ storeThenDrop: true, times: 3 });
    await get(app, "/work");
    await handlerSpanOf(to, "/work");
    await to.waitForLogs(6);
    // Time for any resend to arrive, were one to be stored.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await app.kill();
    // Log requests were cut off and sent again under the same key (nest) or with the same dedupKey (go).
    const logRequestKeys = to.events.filter((event) => event.body.eventType === "app.log" || event.body.resourceLogs).map((event) => event.idempotencyKey);
    const triesOf = (key: string | undefined) => to.tries.filter((t) => t.idempotencyKey === key).length;
    expect(logRequestKeys.some((key) => triesOf(key) > 1), JSON.stringify(to.tries)).toBe(true);
    expect(to.logs()).toHaveLength(6);
    expect(new Set(to.logs().map((log) => `${log.body}`)).size).toBe(6);
    expectOnlyExpectedRefusals(to, api);
  });
});

describe("the app's own output", () => {
  it("is what it is without the preload, but for the trace ids written into the request's lines", async () => {
    const plain = await runFixture({ script: SCRIPT, env: { AXONPUSH_BASE_URL: receiver.url } });
    const traced = await startApp(receiver);
    await Promise.all([get(plain, "/work"), get(traced, "/work")]);
    await Promise.all([get(plain, "/console"), get(traced, "/console")]);
    await receiver.waitForLogs(6);
    await Promise.all([plain.kill(), traced.kill()]);
    expect(comparableStdout(traced.stdout())).toEqual(comparableStdout(plain.stdout()));
    expect(traced.stderr()).toBe(plain.stderr());
    const injected = traced
      .stdout()
      .split("\n")
      .filter((line) => line.includes('"trace_id"'));
    expect(injected).toHaveLength(3);
  });
});

describe("switches", () => {
  it.each([["AXONPUSH_LOGS", "false"], ["OTEL_LOGS_EXPORTER", "none"]])("%s=%s sends no record; trace ids are still written into the lines", async (name, value) => {
    const app = await startApp(receiver, { [name]: value });
    await get(app, "/work");
    await handlerSpanOf(receiver, "/work");
    // Past the hand-over of the records, had there been any.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await app.kill();
    expect(receiver.logs()).toEqual([]);
    expect(receiver.events.every((event) => event.body.eventType === "app.span")).toBe(true);
    expect(app.stdout()).toContain('"trace_id"');
  });

  it("console output becomes records only with AXONPUSH_CAPTURE_CONSOLE=true, with the method's severity, in the request's trace", async () => {
    const quiet = await startApp(receiver);
    await get(quiet, "/console");
    await handlerSpanOf(receiver, "/console");
    await receiver.waitForLogs(3);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await quiet.kill();
    expect(receiver.logs().filter((log) => log.framework === "console")).toEqual([]);
    receiver.reset();

    const capturing = await startApp(receiver, { AXONPUSH_CAPTURE_CONSOLE: "true" });
    await get(capturing, "/console");
    const handler = await handlerSpanOf(receiver, "/console");
    const logs = await receiver.waitForLogs((all) => all.filter((log) => log.framework === "console").length >= 3);
    await capturing.kill();
    const fromConsole = logs.filter((log) => log.framework === "console");
    expect(fromConsole.map((log) => [log.identifier, log.severityNumber, log.severityText, log.body])).toEqual([
      ["console", 9, "info", "plain line 7"],
      ["console", 13, "warn", "careful"],
      ["console", 17, "error", "broken: disk"],
    ]);
    for (const log of fromConsole) expect(log).toMatchObject({ traceId: handler.traceId, parentSpanId: handler.spanId });
    expect(capturing.stdout()).toContain("plain line 7\n");
    expect(capturing.stderr()).toBe("careful\nbroken: disk\n");
  });
});

describe("where no sender thread can run", () => {
  it("(the permission model without --allow-worker) the records are sent from the app's thread", async () => {
    const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
    const permission = major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13) ? "--permission" : "--experimental-permission";
    // The network is guarded on Node 25+ only. A CommonJS app: the ES module loader's thread is denied too.
    const flags = [permission, "--allow-fs-read=*", ...(process.allowedNodeEnvironmentFlags.has("--allow-net") ? ["--allow-net"] : [])];
    const app = await runFixture({ script: "fixtures/logs/require-app.cjs", nodeArgs: [...flags, "--require", "axonpush-otel/register"], env: axonpushEnv(receiver.url) });
    await get(app, "/work");
    const trace = await waitForTrace(receiver, (s) => s.kind === "SERVER", 1);
    const logs = await receiver.waitForLogs(3);
    await app.kill();
    // winston's transport base class taken from the app's winston, required (not imported) here.
    for (const body of ["user 42 loaded", "cache miss"]) expect(byBody(logs, body)[0]).toMatchObject({ traceId: trace[0]!.traceId, parentSpanId: trace[0]!.spanId });
    expect(byBody(logs, "orders service starting")[0]!.parentSpanId).toBeUndefined();
    expect(logs.map((log) => log.resource["service.name"])).toEqual(["fixture-logs", "fixture-logs", "fixture-logs"]);
  });
});

describe("no log about a log", () => {
  it("our own warning (records lost), printed by Node through console.error, never becomes a record", async () => {
    // One record of room: the request's three records overflow it, and the warning saying so is printed
    // a second later, through the console being captured.
    const app = await startApp(receiver, { AXONPUSH_CAPTURE_CONSOLE: "true", AXONPUSH_LOG_QUEUE_SIZE: "1" });
    await receiver.waitForLogs(1);
    await get(app, "/work");
    await handlerSpanOf(receiver, "/work");
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await app.kill();
    expect(app.stderr()).toMatch(/AxonPushWarning: \d+ log records? not delivered/);
    // The room is free again by then: a record of the warning would have been delivered.
    expect(receiver.logs().filter((log) => String(log.body).includes("AxonPushWarning"))).toEqual([]);
  });
});

describe("a log storm", () => {
  it("of 100,000 records costs no span: each span made during it arrives, the records it could not take are said as log records", async () => {
    // A small log budget, so the storm surely overflows it.
    const app = await startApp(receiver, { AXONPUSH_LOG_QUEUE_SIZE: "256" });
    await receiver.waitForLogs(3);
    await get(app, "/storm?n=100000");
    // Each burst's span, and the storm request's own two.
    const spans = await receiver.waitForSpans((all) => all.filter((s) => s.name === "storm.burst").length >= 10 && all.some((s) => s.name === "GET /storm"), 20_000);
    // The first loss report comes a second after the first loss.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await app.kill();
    const bursts = spans.filter((s) => s.name === "storm.burst");
    expect(bursts.map((s) => s.attributes.burst).sort((a, b) => Number(a) - Number(b))).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    const warnings = app.stderr().split("\n").filter((line) => line.includes("AxonPushWarning"));
    expect(warnings.filter((line) => / spans? not delivered/.test(line))).toEqual([]);
    expect(warnings.some((line) => /log records not delivered in the last \d+ s: [\d,]+ sender log queue full \(AXONPUSH_LOG_QUEUE_SIZE\)/.test(line)), app.stderr()).toBe(true);
    expect(receiver.logs().filter((log) => log.body === "storm record").length).toBeGreaterThan(0);
  });
});
