// End to end: libraries behave under the preload exactly as without it, with
// their spans kept. Each fixture (fixtures/library-behaviour/) exercises one
// library and prints what it did as one RESULT line; it runs once plain and
// once under each preload flag, and the traced results must equal the plain
// one. Our fixes to the upstream instrumentations
// (scripts/instrumentation-patches/) are what make them equal.
import { describe, expect, it } from "vitest";
import type { ReceivedLog } from "../src/receiver/index.js";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { axonpushEnv, killAllFixtures, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { expectSameBehaviour, instrumentationScope, PRELOAD_RUNS, runPlainAndTraced, runToEnd } from "./helpers/run-to-end.js";

const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });

const scope = instrumentationScope;
/** @fastify/otel, the Fastify team's instrumentation the preload bundles. */
const FASTIFY_SCOPE = "@fastify/otel";

interface LibraryCase {
  library: string;
  /** The fixture without its extension: `<entry>.cjs` requires the library, `<entry>.mjs` imports it. */
  entry: string;
  /** What the library itself does, checked on the plain run (so the fixture tests what it means to). */
  untraced: Record<string, unknown>;
  /** Spans the traced run must deliver, by name. */
  spans: string[];
  /** Instrumentations allowed to have made them (Express 5 layers may be wrapped by express, router or both). */
  scopes: string[];
  /** The status each span of that name must carry, as `ERROR(<message>)`. */
  statuses?: Record<string, string>;
  /** Log records that must reach AxonPush as `app.log` events, as `<framework> <severity> <body>`. */
  logs?: string[];
}

// toMatchObject matches these partially, so `seen` is checked only where named.
const answered = (answer: string) => ({ outcome: "answered", answer });
/** What the router fixtures answer plain, with or without Express loaded. */
const ROUTER_ANSWERS = {
  "/mw-later": answered("middleware answered"),
  "/route-later": answered("route answered"),
  "/via-req-next": { ...answered("reached through req.next"), seen: { nextIsReqNext: true } },
  "/error": answered("error handler saw planned"),
  "/nested/leaf": { ...answered("leaf answered"), seen: { nextIsReqNext: true, innerNextIsReqNext: true } },
};

const CASES: LibraryCase[] = [
  {
    library: "connect (mounted http.Server and sub-apps; ES module import)",
    entry: "fixtures/library-behaviour/connect",
    untraced: {
      blog: "200 blog saw /post-1",
      sub: "200 sub saw /page, mounted at /sub",
      subRoute: "/sub",
      rootRoute: "/",
      fail: "200 handled planned",
      thrown: { useNothing: expect.stringContaining("(reading 'handle')"), useNull: expect.stringContaining("(reading 'handle')") },
    },
    spans: ["request handler - /blog", "request handler - /sub", "middleware - subPage", "request handler - /rooted"],
    scopes: [scope("connect")],
  },
  {
    library: "router (router.handle with a response that is not an EventEmitter; next === req.next)",
    entry: "fixtures/library-behaviour/router",
    untraced: { ...ROUTER_ANSWERS, "/nowhere": { outcome: "done" } },
    spans: ["middleware - answerLater", "request handler - /route-later", "middleware - passViaReqNext", "middleware - answerError", "request handler - /nested/leaf"],
    scopes: [scope("router")],
  },
  {
    library: "express.Router (the same, with Express loaded)",
    entry: "fixtures/library-behaviour/express-router",
    untraced: ROUTER_ANSWERS,
    spans: ["middleware - answerLater", "middleware - passViaReqNext", "middleware - compareInner"],
    scopes: [scope("router"), scope("express")],
  },
  {
    library: "express (next === req.next, res.format callbacks)",
    entry: "fixtures/library-behaviour/express",
    untraced: {
      mwFormat: "200 format next is my next",
      routeFormat: `200 ${JSON.stringify({ formatNextIsReqNext: true, formatNextIsRouteNext: false, nextIsReqNext: true })}`,
      passOn: "200 second handler reached",
      viaReqNext: "200 reached, nextIsReqNext=true",
    },
    spans: ["middleware - formatInMiddleware", "middleware - viaReqNext", "request handler - /pass-on", "request handler - /via-req-next"],
    scopes: [scope("router"), scope("express")],
  },
  {
    library: "koa (app.use of a non-function)",
    entry: "fixtures/library-behaviour/koa",
    untraced: {
      refused: Object.fromEntries(
        ["null", "zero", "undefined", "string", "object", "routerLike"].map((name) => [name, "TypeError: middleware must be a function!"]),
      ),
      greeting: "200 hello from /greet",
    },
    spans: ["middleware - timing", "middleware - greet"],
    scopes: [scope("koa")],
  },
  {
    library: "fastify (its own checks of hooks: a function at all, an async hook without done)",
    entry: "fixtures/library-behaviour/fastify-hook-checks",
    untraced: {
      addHook: {
        null: "FastifyError: preHandler hook should be a function, instead got null",
        missing: "FastifyError: onRequest hook should be a function, instead got undefined",
        asyncWithDone: expect.stringContaining("Async hooks should not use the 'done' argument"),
        asyncOnSendWithDone: expect.stringContaining("Async hooks should not use the 'done' argument"),
      },
      stringHookReady: expect.stringContaining("FST_ERR_HOOK_INVALID_HANDLER"),
      routeOption: {
        asyncWithDone: expect.stringContaining("Async hooks should not use the 'done' argument"),
        asyncOnErrorWithDone: expect.stringContaining("Async hooks should not use the 'done' argument"),
        nullInArray: "FastifyError: onRequest hook should be a function, instead got [object Null]",
      },
      greeting: "200 hello",
    },
    spans: ["onRequest - stamp", "preHandler - checkStamp", "handler - greet"],
    scopes: [FASTIFY_SCOPE],
  },
  {
    library: "fastify (a handler or hook throws or rejects with null, undefined or a Symbol)",
    entry: "fixtures/library-behaviour/fastify-thrown-values",
    untraced: {
      "/throw-null": "500 null",
      "/hook-rejects-null": expect.stringContaining("FST_ERR_SEND_UNDEFINED_ERR"),
      "/own-handler/null": "500 handler saw object null",
      "/own-handler/symbol": "500 handler saw symbol bang",
    },
    spans: ["handler - throwsNull", "handler - rejectsUndefined", "handler - throwsSymbol", "preValidation - rejectsNull", "handler - rejectsSymbol"],
    scopes: [FASTIFY_SCOPE],
    // What was thrown, as its string form (upstream read `.message` of it).
    statuses: { "handler - throwsNull": "ERROR(null)", "handler - rejectsUndefined": "ERROR(undefined)", "handler - throwsSymbol": "ERROR(Symbol(boom))" },
  },
  {
    library: "fastify (onRoute hooks see the route as given; setNotFoundHandler chains; a serializer's error reaches the handler)",
    entry: "fixtures/library-behaviour/fastify-routes",
    untraced: {
      chained: true,
      seenByOnRoute: [{ sameHandler: true, handlerLength: 2, samePreHandler: true, onSend: "undefined", onError: "undefined" }],
      prefixed: "200 plain",
      badPayload: "200 caught FST_ERR_REP_INVALID_PAYLOAD_TYPE",
      missing: "404 no /missing",
    },
    spans: ["preHandler - firstCheck", "preHandler - secondCheck", "handler - listItems", "notFoundHandler - notHere"],
    scopes: [FASTIFY_SCOPE],
  },
  {
    library: "fastify (plugin names, hasPlugin, printPlugins() and printRoutes() show the app's own)",
    entry: "fixtures/library-behaviour/fastify-app-report",
    untraced: {
      names: { pluginA: "fastify -> plugin-A", pluginAB: "pluginAB" },
      hasOtelPlugin: false,
      routes: expect.stringContaining('(onRequest) ["stamp()"]'),
      home: "200 home",
    },
    spans: ["onRequest - stamp", "onSend - tag", "handler - home"],
    scopes: [FASTIFY_SCOPE],
  },
  {
    library: "pino (a logger keeps its destination: the stream itself, flush of an asynchronous one, a transport's events; the app's streamWrite hook)",
    entry: "fixtures/library-behaviour/pino",
    untraced: {
      streamKept: true,
      hookedLines: ['{"level":30,"msg":"password [hidden]"}', '{"level":40,"module":"billing","msg":"child line"}'],
      flushed: "called back",
      fileLines: ['{"level":30,"msg":"an asynchronous line"}'],
      transportKept: true,
      transportEvent: "ready",
    },
    spans: [],
    scopes: [],
    // Still sent, as the line the app's own hook made of it.
    logs: ["pino info a line to stdout", "pino info password [hidden]", "pino warn child line", "pino info an asynchronous line", "pino info a line through a transport"],
  },
];

describe.each(CASES)("$library", (library) => {
  it.each(["cjs", "mjs"])("runs as the library means to without the preload (the fixture's own check, .%s)", async (extension) => {
    const plain = await runToEnd(`${library.entry}.${extension}`);
    expect(plain.stderr).toBe("");
    expect(plain.code).toBe(0);
    expect(plain.result).toMatchObject(library.untraced);
  });

  it.each(PRELOAD_RUNS)("behaves the same ($entry entry under $flag), and its spans reach AxonPush", async ({ entry, flag }) => {
    const { plain, traced } = await runPlainAndTraced(`${library.entry}.${entry}`, flag, axonpushEnv(receiver.url));
    expectSameBehaviour(traced, plain);

    // The process flushed at its natural end; every expected span was ended and sent.
    const spans = await receiver.waitForSpans((all) => library.spans.every((name) => all.some((s) => s.name === name)), 10_000);
    for (const name of library.spans) {
      const makers = spans.filter((s) => s.name === name).map((s) => s.scope?.name ?? "no scope");
      expect(makers.filter((by) => !library.scopes.includes(by)), `${name} made by ${makers.join(", ")}`).toEqual([]);
    }
    for (const [name, status] of Object.entries(library.statuses ?? {})) {
      const seen = spans.filter((s) => s.name === name).map((s) => `${s.status}(${s.statusMessage ?? ""})`);
      expect(new Set(seen), name).toEqual(new Set([status]));
    }
    const logs = library.logs ?? [];
    if (logs.length > 0) {
      const described = (all: ReceivedLog[]) => all.map((log) => `${log.framework} ${log.severityText} ${log.body}`);
      const received = await receiver.waitForLogs((all) => logs.every((line) => described(all).includes(line)), 10_000);
      expect(described(received).sort()).toEqual([...logs].sort());
    }
    expect(receiver.rejections).toEqual([]);
  });
});
