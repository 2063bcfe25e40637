// End to end: CommonJS (NODE_OPTIONS and --require), pg against PGlite's
// socket server, the seed's TypeScript example under tsx, and Fastify.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { axonpushEnv, killAllFixtures, runFixture, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { ancestorsOf, childrenOf, expectWholeTree, findDescendant, waitForTrace } from "./helpers/trace-assertions.js";
import { TRANSPORTS } from "./helpers/transports.js";
import type { ReceivedSpan } from "../src/receiver/index.js";

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

describe.each(TRANSPORTS)("Fastify app ($name transport)", (transport) => {
  // Every span of these tests must have come through this suite's transport.
  afterEach(() => {
    expect(new Set(receiver.spans().map((s) => s.via))).toEqual(new Set([transport.via]));
  });
  it("gets the http SERVER span per request (0.81 has no Fastify instrumentation), ERROR on a 500", async () => {
    const app = await runFixture({
      script: "fixtures/fastify-app/app.mjs",
      nodeArgs: ["--import", "axonpush-otel/register"],
      env: axonpushEnv(receiver.url, transport.env),
    });
    expect(await (await fetch(`http://127.0.0.1:${app.port}/items/7`)).json()).toEqual({ id: "7" });
    expect((await fetch(`http://127.0.0.1:${app.port}/broken`)).status).toBe(500);

    const ok = await waitForTrace(receiver, (s) => s.attributes["url.path"] === "/items/7", 1);
    const okRoot = expectWholeTree(ok);
    expect(okRoot).toMatchObject({ kind: "SERVER", name: "GET", status: "UNSET" });
    expect(okRoot.attributes).toMatchObject({ "http.response.status_code": "200", "url.path": "/items/7" });
    const broken = await waitForTrace(receiver, (s) => s.attributes["url.path"] === "/broken", 1);
    expect(expectWholeTree(broken)).toMatchObject({ kind: "SERVER", status: "ERROR" });
  });
});
