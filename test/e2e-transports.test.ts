// End to end, both transports side by side and both API versions: the same
// fixture requests, with the default events transport and with
// AXONPUSH_TRANSPORT=otlp, against the current API (go) and the first backend
// (nest), must give the same trace trees (same spans, nesting, kinds,
// statuses, attribute keys, resource) — only the carrier differs, nothing is
// refused (but nest's dedupKey, left out after its first refusal), nothing
// stored twice, nothing printed.
import { describe, expect, it } from "vitest";
import type { LocalReceiver, ReceivedSpan } from "../src/receiver/index.js";
import { expectOnlyExpectedRefusals, type SuiteApi } from "./helpers/api-versions.js";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { axonpushEnv, killAllFixtures, runFixture, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { expectWholeTree, waitForTrace } from "./helpers/trace-assertions.js";
import { TRANSPORTS, type TransportCase } from "./helpers/transports.js";

const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });
const nestReceiver = useSuiteReceiver({ api: "nest", apiKey: TEST_API_KEY, tenantId: TEST_TENANT });
const receivers: Record<SuiteApi, LocalReceiver> = { go: receiver, nest: nestReceiver };

/**
 * A trace as comparable text: one line per span, indented under its parent,
 * siblings in name order (their start order can differ between runs), with
 * what does not change between runs (ids, times, ports and pids do).
 */
function treeShape(trace: ReceivedSpan[]): string {
  const lines: string[] = [];
  const walk = (parentId: string | undefined, depth: number) => {
    const children = trace
      .filter((s) => s.parentSpanId === parentId)
      .sort((a, b) => `${a.name} ${a.kind}`.localeCompare(`${b.name} ${b.kind}`));
    for (const span of children) {
      const keys = Object.keys(span.attributes).sort().join(",");
      const scope = `${span.scope?.name ?? "?"}@${span.scope?.version ?? ""}`;
      lines.push(`${"  ".repeat(depth)}${span.kind} ${span.name} ${span.status} events=${span.events.length} scope=${scope} [${keys}]`);
      walk(span.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join("\n");
}

async function chainTrace(transport: TransportCase, api: SuiteApi): Promise<ReceivedSpan[]> {
  const to = receivers[api];
  to.reset();
  const app = await runFixture({
    script: "fixtures/express-esm/app.mjs",
    nodeArgs: ["--import", "axonpush-otel/register"],
    env: axonpushEnv(to.url, { AXONPUSH_ENVIRONMENT: "staging", ...transport.env }),
  });
  expect(await (await fetch(`http://127.0.0.1:${app.port}/chain`)).json()).toEqual({ rows: 3 });
  // All seven: the fetch's tcp.connect (a fresh process opens its first connection) ends early and may reach the
  // receiver after the other six, over the sender's parallel requests; waiting for six compared a trace cut short.
  const trace = await waitForTrace(to, (s) => s.kind === "SERVER" && s.name === "GET /chain", 7);
  expectWholeTree(trace);
  expectOnlyExpectedRefusals(to, api);
  expect(new Set(trace.map((s) => s.via))).toEqual(new Set([transport.via]));
  // Each span stored once.
  expect(new Set(to.spans().map((s) => s.spanId)).size).toBe(to.spans().length);
  for (const request of to.events) expect(request.headers["x-axonpush-environment"]).toBe("staging");
  await app.kill();
  // Nothing printed at the default log level, nest's refusal of dedupKey included.
  expect(app.stderr(), `${transport.name} on ${api}`).toBe("");
  return trace;
}

describe("events and otlp transports, go and nest APIs", () => {
  it("give the same trace tree and resource for the same requests", async () => {
    const events = await chainTrace(TRANSPORTS[0]!, "go");
    const otlp = await chainTrace(TRANSPORTS[1]!, "go");
    expect(treeShape(otlp)).toBe(treeShape(events));
    expect(treeShape(events).split("\n").length).toBe(events.length);
    for (const transport of TRANSPORTS) expect(treeShape(await chainTrace(transport, "nest")), `${transport.name} on nest`).toBe(treeShape(events));

    const manual = (trace: ReceivedSpan[]) => trace.find((s) => s.name === "compute-answer")!;
    expect(manual(otlp).attributes).toEqual(manual(events).attributes);
    expect(manual(otlp).events).toEqual([
      { name: "upstream-answered", timeUnixNano: expect.any(String), attributes: { rows: "3" } },
    ]);
    const volatile = new Set(["process.pid", "service.instance.id"]);
    const stable = (span: ReceivedSpan) => Object.fromEntries(Object.entries(span.resource).filter(([key]) => !volatile.has(key)));
    expect(stable(otlp[0]!)).toEqual(stable(events[0]!));
    expect(otlp[0]!.resource).toMatchObject({ "service.name": "fixture-express-esm", "deployment.environment": "staging" });
  });

  it("with otlp, sends whole batches: far fewer requests than spans", async () => {
    const app = await runFixture({
      script: "fixtures/express-esm/app.mjs",
      nodeArgs: ["--import", "axonpush-otel/register"],
      // A longer export delay than the suites' 50 ms, so one batch holds several traces.
      env: axonpushEnv(receiver.url, { ...TRANSPORTS[1]!.env, OTEL_BSP_SCHEDULE_DELAY: "500" }),
    });
    await Promise.all([1, 2, 3, 4].map(() => fetch(`http://127.0.0.1:${app.port}/chain`)));
    const spans = await receiver.waitForSpans((all) => all.filter((s) => s.name === "compute-answer").length === 4, 15_000);
    expect(spans.length).toBeGreaterThanOrEqual(24);
    expect(receiver.events.length).toBeLessThan(spans.length / 4);
    for (const request of receiver.events) {
      expect(request.headers).toMatchObject({ "content-type": "application/x-protobuf", "x-axonpush-channel": "ch_e2e" });
      expect(request.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
