// End to end: CommonJS packages imported by an ES module app, under the
// preload. The instrumentation is then handed the module namespace instead of
// the package's exports; several upstream instrumentations patched the
// namespace as if it were the exports, and either threw (the app died at
// start-up or on its first call) or wrapped functions the default import
// never calls (no span). Our patches in
// scripts/instrumentation-patches/es-module-namespaces.ts are what make the
// `.mjs` runs here pass; the `.cjs` runs, which never had the bug, show the
// same spans are expected of both.
//
// Each fixture (fixtures/esm-namespaces/) serves one request that uses the
// library, prints what it answered as one RESULT line and exits.
import { describe, expect, it } from "vitest";
import type { ReceivedSpan } from "../src/receiver/index.js";
// @ts-expect-error -- a plain .mjs fixture script, no type declarations
import { prepareMajor } from "../fixtures/majors/prepare.mjs";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { axonpushEnv, killAllFixtures, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { expectSameBehaviour, instrumentationScope, PRELOAD_RUNS, runPlainAndTraced, runToEnd } from "./helpers/run-to-end.js";
import { ancestorsOf } from "./helpers/trace-assertions.js";

const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });

const scope = instrumentationScope;

/** A span identified by name and kind (a gRPC call has a CLIENT and a SERVER span of the same name). */
interface SpanRef {
  name: string;
  kind: string;
}

interface ExpectedSpan extends SpanRef {
  scope: string;
  status: "UNSET" | "ERROR";
  /** "request": directly below the SERVER span of the fixture's request; otherwise the expected span it is below. */
  parent: "request" | SpanRef;
}

interface NamespaceCase {
  library: string;
  /** `<entry>.mjs` imports the library (default import), `<entry>.cjs` requires it. */
  entry: string;
  /** Older majors the fixture loads from fixtures/majors (`[alias, package name]`). */
  majors?: [string, string][];
  /** The fixture's RESULT, run without the preload. */
  result: Record<string, unknown>;
  spans: ExpectedSpan[];
  /** Further checks of the delivered spans. */
  check?: (spans: ReceivedSpan[]) => void;
}

const SERVER = "SERVER";
const isRequest = (span: ReceivedSpan) => span.kind === SERVER && span.scope?.name === scope("http");
const matches = (span: ReceivedSpan, ref: SpanRef) => span.name === ref.name && span.kind === ref.kind;

/** The SERVER span of the fixture's own request to `path`. */
const requestTo = (spans: ReceivedSpan[], path: string) => spans.find((span) => isRequest(span) && span.attributes["url.path"] === path);

function parentOf(spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan | undefined {
  return spans.find((candidate) => candidate.spanId === span.parentSpanId);
}

/** Every expected span arrived, below what it should be below. */
function allArrived(spans: ReceivedSpan[], expected: ExpectedSpan[]): boolean {
  return expected.every((want) =>
    spans.some((span) => {
      if (!matches(span, want)) return false;
      const parent = parentOf(spans, span);
      return parent !== undefined && (want.parent === "request" ? isRequest(parent) : matches(parent, want.parent));
    }),
  );
}

const CASES: NamespaceCase[] = [
  {
    library: "memcached (the app died at start-up: `moduleExports.prototype` of a namespace)",
    entry: "fixtures/esm-namespaces/memcached",
    result: { read: "200 failed: ECONNREFUSED" },
    spans: [{ name: "memcached get", kind: "CLIENT", scope: scope("memcached"), status: "ERROR", parent: "request" }],
  },
  {
    library: "mysql (`import mysql from \"mysql\"` made no span)",
    entry: "fixtures/esm-namespaces/mysql",
    result: { query: "200 failed: ECONNREFUSED" },
    spans: [{ name: "SELECT", kind: "CLIENT", scope: scope("mysql"), status: "ERROR", parent: "request" }],
  },
  {
    library: "redis 3 (the app died at start-up: half-loaded exports)",
    entry: "fixtures/esm-namespaces/redis3",
    majors: [["redis3", "redis"]],
    result: { read: "200 failed: NR_CLOSED" },
    spans: [{ name: "redis-get", kind: "CLIENT", scope: scope("redis"), status: "ERROR", parent: "request" }],
  },
  {
    library: "socket.io 2 (the app died at start-up: `moduleExports.prototype` of a namespace)",
    entry: "fixtures/esm-namespaces/socket-io2",
    majors: [["socketio2", "socket.io"]],
    result: { broadcast: "200 emitted, chainable: true" },
    spans: [{ name: "send /", kind: "PRODUCER", scope: scope("socket.io"), status: "UNSET", parent: "request" }],
  },
  {
    library: "lru-memoizer (calling the default import threw)",
    entry: "fixtures/esm-namespaces/lru-memoizer",
    result: { a: "200 hello ada, 200 leaf", b: "200 hello ada, 200 leaf", loads: 1 },
    spans: [],
    check(spans) {
      // Each callback ran in the context of the request that asked: its /leaf call is in that request's trace.
      for (const from of ["a", "b"]) {
        const leafCall = spans.find((span) => span.kind === "CLIENT" && String(span.attributes["url.full"]).endsWith(`/leaf?from=${from}`));
        expect(leafCall, `the /leaf call made for /${from}`).toBeDefined();
        expect(ancestorsOf(spans, leafCall!).map((span) => span.spanId)).toContain(requestTo(spans, `/${from}`)?.spanId);
      }
    },
  },
  {
    library: "@grpc/grpc-js (`import grpc from \"@grpc/grpc-js\"` made no client span and broke the trace)",
    entry: "fixtures/esm-namespaces/grpc",
    result: { greet: "200 hello ada" },
    spans: [
      { name: "grpc.demo.Greeter/Greet", kind: "CLIENT", scope: scope("grpc"), status: "UNSET", parent: "request" },
      { name: "grpc.demo.Greeter/Greet", kind: "SERVER", scope: scope("grpc"), status: "UNSET", parent: { name: "grpc.demo.Greeter/Greet", kind: "CLIENT" } },
    ],
  },
  {
    library: "generic-pool 2.3 (the default import's Pool made no span)",
    entry: "fixtures/esm-namespaces/generic-pool2",
    majors: [["generic-pool2", "generic-pool"]],
    result: { acquire: "200 acquired thing 1" },
    spans: [{ name: "generic-pool.acquire", kind: "INTERNAL", scope: scope("generic-pool"), status: "UNSET", parent: "request" }],
  },
  {
    library: "node:dns (`import dns from \"node:dns\"` made no span)",
    entry: "fixtures/esm-namespaces/dns",
    result: { lookup: "200 localhost is 127.0.0.1" },
    spans: [{ name: "dns.lookup", kind: "CLIENT", scope: scope("dns"), status: "UNSET", parent: "request" }],
  },
  {
    library: "node:dns/promises (its default import made no span)",
    entry: "fixtures/esm-namespaces/dns-promises",
    result: { lookup: "200 localhost is 127.0.0.1" },
    spans: [{ name: "dns.lookup", kind: "CLIENT", scope: scope("dns"), status: "UNSET", parent: "request" }],
  },
];

describe.each(CASES)("$library", (library) => {
  const prepareMajors = () => {
    for (const [alias, name] of library.majors ?? []) prepareMajor(alias, name);
  };

  it("runs as the fixture means to without the preload (ES module entry)", async () => {
    prepareMajors();
    const plain = await runToEnd(`${library.entry}.mjs`);
    expect(plain.stderr).toBe("");
    expect([plain.code, plain.result]).toEqual([0, library.result]);
  });

  it.each(PRELOAD_RUNS)("behaves the same ($entry entry under $flag), and its spans are in the request's trace", async ({ entry, flag }) => {
    prepareMajors();
    const { plain, traced } = await runPlainAndTraced(`${library.entry}.${entry}`, flag, axonpushEnv(receiver.url));
    expectSameBehaviour(traced, plain);

    // The process flushed at its natural end, so what it made has arrived or soon will.
    const spans = await receiver.waitForSpans((all) => all.some(isRequest) && allArrived(all, library.spans), 10_000).catch(() => receiver.spans());
    for (const want of library.spans) {
      const found = spans.filter((span) => matches(span, want));
      expect(found.map((span) => span.name), `${want.kind} span ${want.name}`).not.toEqual([]);
      const placed = found.find((span) => {
        const parent = parentOf(spans, span);
        return parent !== undefined && (want.parent === "request" ? isRequest(parent) : matches(parent, want.parent));
      });
      expect(placed, `${want.kind} ${want.name} below ${want.parent === "request" ? "the request" : want.parent.name}`).toBeDefined();
      expect([placed!.scope?.name, placed!.status]).toEqual([want.scope, want.status]);
    }
    library.check?.(spans);
    expect(receiver.rejections).toEqual([]);
  });
});
