// End to end: CommonJS (NODE_OPTIONS and --require), pg against PGlite's
// socket server, the seed's TypeScript example under tsx, and the framework
// span trees (Express 4 and 5, Fastify 4 and 5, the router package alone),
// compared whole, so a regression shows as a diff of trees.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ReceivedSpan } from "../src/receiver/index.js";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { axonpushEnv, killAllFixtures, runFixture, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { ancestorsOf, childrenOf, expectWholeTree, findDescendant, waitForTrace } from "./helpers/trace-assertions.js";
import { TRANSPORTS } from "./helpers/transports.js";
// @ts-expect-error -- a plain .mjs fixture script, no type declarations
import { prepareMajor } from "../fixtures/majors/prepare.mjs";

const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });

describe.each(TRANSPORTS)("CommonJS app ($name transport)", (transport) => {
  // Every span of these tests must have come through this suite's transport.
  afterEach(() => {
    expect(new Set(receiver.spans().map((s) => s.via))).toEqual(new Set([transport.via]));
  });
  const cases: { how: string; nodeArgs: string[]; extraEnv: Record<string, string> }[] = [
    { how: "NODE_OPTIONS=--require", nodeArgs: [], extraEnv: { NODE_OPTIONS: "--require axonpush-otel/register" } },
    { how: "--require flag", nodeArgs: ["--require", "axonpush-otel/register"], extraEnv: {} },
  ];
  for (const { how, nodeArgs, extraEnv } of cases) {
    it(`is traced through ${how}: SERVER -> CLIENT -> SERVER in one trace`, async () => {
      const app = await runFixture({
        script: "fixtures/cjs-http/app.cjs",
        nodeArgs,
        env: axonpushEnv(receiver.url, { AXONPUSH_SERVICE_NAME: "cjs-shop", ...extraEnv, ...transport.env }),
      });
      expect(await (await fetch(`http://127.0.0.1:${app.port}/outer`)).text()).toBe("outer+inner");

      const trace = await waitForTrace(receiver, (s) => s.kind === "SERVER" && s.attributes["url.path"] === "/outer", 3);
      const root = expectWholeTree(trace);
      expect(root.name).toBe("GET");
      const [client] = childrenOf(trace, root).filter((s) => s.kind === "CLIENT");
      expect(client).toMatchObject({ name: "GET" });
      const [inner] = childrenOf(trace, client!);
      expect(inner).toMatchObject({ kind: "SERVER", attributes: expect.objectContaining({ "url.path": "/inner" }) });
      expect(root.resource["service.name"]).toBe("cjs-shop");
    });
  }
});

describe.each(TRANSPORTS)("pg app against PGlite over TCP ($name transport)", (transport) => {
  // Every span of these tests must have come through this suite's transport.
  afterEach(() => {
    expect(new Set(receiver.spans().map((s) => s.via))).toEqual(new Set([transport.via]));
  });
  let db: PGlite;
  let pgServer: PGLiteSocketServer;
  let databaseUrl: string;

  beforeAll(async () => {
    db = await PGlite.create();
    pgServer = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0 });
    await pgServer.start();
    databaseUrl = `postgres://postgres@${pgServer.getServerConn()}/postgres?sslmode=disable`;
  });
  afterAll(async () => {
    await pgServer?.stop();
    await db?.close();
  });

  it("puts each query under the request's SERVER span as a CLIENT span with its statement", async () => {
    const app = await runFixture({
      script: "fixtures/pg-app/app.mjs",
      nodeArgs: ["--import", "axonpush-otel/register"],
      env: axonpushEnv(receiver.url, { DATABASE_URL: databaseUrl, ...transport.env }),
    });
    const response = await fetch(`http://127.0.0.1:${app.port}/users`);
    expect(await response.json()).toEqual([{ id: 1, name: "ada" }]);

    // The events transport posts a batch's spans concurrently, so the SERVER span can
    // arrive before the queries under it (Node 26 runs did, and so can every line):
    // wait for the three query spans themselves, not for a number of spans.
    const statementOf = (s: ReceivedSpan) => s.attributes["db.statement"] ?? s.attributes["db.query.text"];
    const isRoot = (s: ReceivedSpan) => s.kind === "SERVER" && s.attributes["url.path"] === "/users";
    await receiver.waitForSpans((all) => {
      const root = all.find((s) => !s.parentSpanId && isRoot(s));
      return root !== undefined && all.filter((s) => s.traceId === root.traceId && s.kind === "CLIENT" && statementOf(s) !== undefined).length >= 3;
    }, 15_000);
    const trace = await waitForTrace(receiver, isRoot, 4);
    const root = expectWholeTree(trace);
    const queries = trace.filter((s) => s.kind === "CLIENT" && (s.attributes["db.system"] ?? s.attributes["db.system.name"]) === "postgresql");
    const statements = queries.map(statementOf);
    expect(statements).toEqual(
      expect.arrayContaining([
        "CREATE TABLE IF NOT EXISTS users (id int primary key, name text)",
        "SELECT id, name FROM users WHERE id = $1",
      ]),
    );
    for (const query of queries) expect(ancestorsOf(trace, query).at(-1)!.spanId).toBe(root.spanId);
  });
});

describe.each(TRANSPORTS)("the seed's example in TypeScript under tsx ($name transport)", (transport) => {
  // Every span of these tests must have come through this suite's transport.
  afterEach(() => {
    expect(new Set(receiver.spans().map((s) => s.via))).toEqual(new Set([transport.via]));
  });
  it("POST /chat has llm.call and db.query children with the seed's attributes, stringified", async () => {
    const app = await runFixture({
      script: "fixtures/chat-ts/app.ts",
      nodeArgs: ["--import", "tsx", "--import", "axonpush-otel/register"],
      env: axonpushEnv(receiver.url, { AXONPUSH_SERVICE_NAME: "my-api", AXONPUSH_ENVIRONMENT: "production", ...transport.env }),
    });
    const response = await fetch(`http://127.0.0.1:${app.port}/chat`, { method: "POST", body: JSON.stringify({ prompt: "hi" }) });
    expect(await response.json()).toEqual({ reply: "echo: hi" });

    const trace = await waitForTrace(receiver, (s) => s.kind === "SERVER" && s.attributes["url.path"] === "/chat", 3);
    const root = expectWholeTree(trace);
    expect(root).toMatchObject({ name: "POST", kind: "SERVER", status: "UNSET" });
    const llm = findDescendant(trace, root, (s) => s.name === "llm.call")!;
    const dbQuery = findDescendant(trace, root, (s) => s.name === "db.query")!;
    expect(llm).toMatchObject({
      kind: "INTERNAL",
      parentSpanId: root.spanId,
      attributes: { model: "gpt-4o-mini", prompt_tokens: "128", completion_tokens: "256" },
    });
    expect(dbQuery).toMatchObject({
      parentSpanId: root.spanId,
      attributes: { "db.statement": "SELECT * FROM users WHERE id=$1", "db.rows_affected": "1" },
    });
    expect(root.resource).toMatchObject({ "service.name": "my-api", "deployment.environment": "production" });
    if (transport.name === "events") {
      const event = receiver.events.find((e) => e.body.spanId === llm.spanId)!;
      expect(event.body).toMatchObject({ identifier: "llm.call", eventType: "app.span", channel_id: "ch_e2e", traceId: root.traceId });
    } else {
      // OTLP batches, addressed to the channel by header.
      for (const request of receiver.events) {
        expect(request.headers).toMatchObject({ "content-type": "application/x-protobuf", "x-axonpush-channel": "ch_e2e" });
      }
    }
  });
});

const PRELOAD_FLAGS: readonly { flag: string; nodeArgs: string[] }[] = [
  { flag: "--import", nodeArgs: ["--import", "axonpush-otel/register"] },
  { flag: "--require", nodeArgs: ["--require", "axonpush-otel/register"] },
];

const byStart = (a: ReceivedSpan, b: ReceivedSpan) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1);

/**
 * The trace as indented lines, children in start order: kind and name, the
 * SERVER span's `http.route`, and the status when it is ERROR (with its
 * message). Compared whole, so a missing, extra or renamed span is a diff.
 */
function treeOf(trace: ReceivedSpan[]): string[] {
  const lines: string[] = [];
  const visit = (span: ReceivedSpan, depth: number) => {
    let line = `${"  ".repeat(depth)}${span.kind} ${span.name}`;
    if (span.kind === "SERVER") line += ` http.route=${span.attributes["http.route"] ?? "(none)"}`;
    if (span.status === "ERROR") line += ` ERROR${span.statusMessage ? `(${span.statusMessage})` : ""}`;
    lines.push(line);
    for (const child of childrenOf(trace, span).sort(byStart)) visit(child, depth + 1);
  };
  visit(expectWholeTree(trace), 0);
  return lines;
}

const requestTree = async (path: string, minSpans: number) =>
  treeOf(await waitForTrace(receiver, (s) => s.kind === "SERVER" && s.attributes["url.path"] === path, minSpans));

// Express 4 and 5 run the same CommonJS app: express.json(), one named
// middleware, a router mounted at /api, one route in it.
const EXPRESS_TREES = {
  4: [
    "SERVER GET /api/users/:id http.route=/api/users/:id",
    "  INTERNAL middleware - query",
    "  INTERNAL middleware - expressInit",
    "  INTERNAL middleware - jsonParser",
    "  INTERNAL middleware - logRequests",
    "  INTERNAL router - /users/:id",
    "  INTERNAL request handler - /api/users/:id",
  ],
  // Express 5 has no query/expressInit layers; one span per real layer, as Express 4.
  5: [
    "SERVER GET /api/users/:id http.route=/api/users/:id",
    "  INTERNAL middleware - jsonParser",
    "  INTERNAL middleware - logRequests",
    "  INTERNAL router - /users/:id",
    "  INTERNAL request handler - /api/users/:id",
  ],
} as const;

describe.each(TRANSPORTS)("Express span trees ($name transport)", (transport) => {
  afterEach(() => {
    expect(new Set(receiver.spans().map((s) => s.via))).toEqual(new Set([transport.via]));
  });
  const majors = [
    { major: 4, packageEnv: (): Record<string, string> => ({ EXPRESS_PACKAGE: prepareMajor("express4", "express") }) },
    { major: 5, packageEnv: (): Record<string, string> => ({}) },
  ] as const;
  for (const { major, packageEnv } of majors) {
    for (const { flag, nodeArgs } of PRELOAD_FLAGS) {
      it(`Express ${major} under ${flag}: one span per layer, named after its function or route, http.route on the SERVER span`, async () => {
        const app = await runFixture({ script: "fixtures/express-cjs/app.cjs", nodeArgs, env: axonpushEnv(receiver.url, { ...packageEnv(), ...transport.env }) });
        expect(await (await fetch(`http://127.0.0.1:${app.port}/api/users/7`)).json()).toEqual({ id: "7", major });
        expect(await requestTree("/api/users/7", EXPRESS_TREES[major].length)).toEqual(EXPRESS_TREES[major]);
      });
    }
  }
});

describe.each(TRANSPORTS)("the router package without Express ($name transport)", (transport) => {
  afterEach(() => {
    expect(new Set(receiver.spans().map((s) => s.via))).toEqual(new Set([transport.via]));
  });
  it("keeps its router spans (the router instrumentation steps aside only for Express)", async () => {
    const app = await runFixture({ script: "fixtures/router-app/app.cjs", nodeArgs: ["--require", "axonpush-otel/register"], env: axonpushEnv(receiver.url, transport.env) });
    expect(await (await fetch(`http://127.0.0.1:${app.port}/users/7`)).json()).toEqual({ id: "7" });
    const tree = [
      "SERVER GET http.route=(none)",
      "  INTERNAL middleware - logRequests",
      "  INTERNAL request handler - /users/:id",
    ];
    expect(await requestTree("/users/7", tree.length)).toEqual(tree);
  });
});

// What @fastify/otel records: an INTERNAL `request` span per request, one
// span per hook and for the handler, named after their functions; a thrown
// error marks the handler and the request ERROR (and the SERVER span, 500).
const FASTIFY_TREES = {
  ok: [
    "SERVER GET /items/:id http.route=/items/:id",
    "  INTERNAL request",
    "    INTERNAL onRequest - stampRequest",
    "    INTERNAL handler - getItem",
  ],
  broken: [
    "SERVER GET /broken http.route=/broken ERROR",
    "  INTERNAL request ERROR(broken on purpose)",
    "    INTERNAL onRequest - stampRequest",
    "    INTERNAL handler - breakDown ERROR(broken on purpose)",
  ],
};

describe.each(TRANSPORTS)("Fastify span trees ($name transport)", (transport) => {
  afterEach(() => {
    expect(new Set(receiver.spans().map((s) => s.via))).toEqual(new Set([transport.via]));
  });
  const majors = [
    { major: 4, packageEnv: (): Record<string, string> => ({ FASTIFY_PACKAGE: prepareMajor("fastify4", "fastify") }) },
    { major: 5, packageEnv: (): Record<string, string> => ({}) },
  ] as const;
  for (const { major, packageEnv } of majors) {
    for (const script of ["fixtures/fastify-app/app.mjs", "fixtures/fastify-app/app.cjs"]) {
      for (const { flag, nodeArgs } of PRELOAD_FLAGS) {
        it(`Fastify ${major}, ${script.endsWith(".mjs") ? "ESM" : "CommonJS"} app under ${flag}: route, hook and handler spans; errors recorded`, async () => {
          const app = await runFixture({ script, nodeArgs, env: axonpushEnv(receiver.url, { ...packageEnv(), ...transport.env }) });
          expect(app.stdout()).toMatch(new RegExp(`fastify ${major}\\.`));
          expect(await (await fetch(`http://127.0.0.1:${app.port}/items/7`)).json()).toEqual({ id: "7", stamped: true });
          expect((await fetch(`http://127.0.0.1:${app.port}/broken`)).status).toBe(500);
          expect(await requestTree("/items/7", FASTIFY_TREES.ok.length)).toEqual(FASTIFY_TREES.ok);
          expect(await requestTree("/broken", FASTIFY_TREES.broken.length)).toEqual(FASTIFY_TREES.broken);
        });
      }
    }
  }
});

describe("the fastify instrumentation by name", () => {
  it("is listed on the start-up line, and OTEL_NODE_DISABLED_INSTRUMENTATIONS=fastify leaves the http span alone", async () => {
    const on = await runFixture({ script: "fixtures/fastify-app/app.cjs", nodeArgs: ["--require", "axonpush-otel/register"], env: axonpushEnv(receiver.url, { AXONPUSH_DEBUG: "true" }) });
    const line = on.stderr().split("\n").find((l) => l.startsWith("axonpush-otel: started"))!;
    expect(JSON.parse(line.slice("axonpush-otel: started ".length)).instrumentations).toContain("fastify");
    await on.kill();

    const off = await runFixture({
      script: "fixtures/fastify-app/app.cjs",
      nodeArgs: ["--require", "axonpush-otel/register"],
      env: axonpushEnv(receiver.url, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: "fastify" }),
    });
    await fetch(`http://127.0.0.1:${off.port}/items/7`);
    expect(await requestTree("/items/7", 1)).toEqual(["SERVER GET http.route=(none)"]);
  });
});
