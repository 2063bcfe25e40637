// End to end: instrumentations are required only when a module they patch is
// first loaded, and a package loaded long after start is still fully traced,
// through `require` and through `import`. Real child processes under the
// preload (by package name), spans read from the local receiver.
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startLocalReceiver, type LocalReceiver } from "../src/receiver/index.js";
import { axonpushEnv, killAllFixtures, runFixture, TEST_API_KEY, TEST_TENANT, type FixtureRun } from "./helpers/fixture-process.js";
import { expectWholeTree, waitForTrace } from "./helpers/trace-assertions.js";

const CJS_APP = "test/lazy-fixtures/on-demand.cjs";
const ESM_APP = "test/lazy-fixtures/on-demand.mjs";

let receiver: LocalReceiver;
let db: PGlite;
let pgServer: PGLiteSocketServer;
let databaseUrl: string;

beforeAll(async () => {
  receiver = await startLocalReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT });
  db = await PGlite.create();
  pgServer = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0 });
  await pgServer.start();
  databaseUrl = `postgres://postgres@${pgServer.getServerConn()}/postgres?sslmode=disable`;
});
afterEach(async () => {
  await killAllFixtures();
  receiver.reset();
});
afterAll(async () => {
  await pgServer?.stop();
  await db?.close();
  await receiver.close();
});

const get = async (app: FixtureRun, path: string) => {
  const response = await fetch(`http://127.0.0.1:${app.port}${path}`);
  return { status: response.status, body: await response.text() };
};
const loaded = async (app: FixtureRun) => JSON.parse((await get(app, "/loaded")).body) as string[];

describe("instrumentations on demand, CommonJS (--require)", () => {
  const start = (extra: Record<string, string> = {}) =>
    runFixture({ script: CJS_APP, nodeArgs: ["--require", "axonpush-otel/register"], env: axonpushEnv(receiver.url, { DATABASE_URL: databaseUrl, ...extra }) });

  it("requires only what the app has loaded, then traces a package required later", async () => {
    const app = await start();
    const atStart = await loaded(app);
    // The server is up: http is active, as are those that patch no module by name.
    expect(atStart).toEqual(expect.arrayContaining(["http", "undici"]));
    for (const unused of ["express", "router", "fastify", "pg", "mongodb", "aws-sdk", "graphql", "ioredis", "mysql2", "openai"]) {
      expect(atStart, `${unused} was never loaded by the app`).not.toContain(unused);
    }

    expect((await get(app, "/express/item/7")).body).toBe('{"id":"7"}');
    expect(await loaded(app)).toEqual(expect.arrayContaining(["express", "router"]));
    const trace = await waitForTrace(receiver, (s) => s.kind === "SERVER" && s.attributes["url.path"] === "/express/item/7", 3);
    const root = expectWholeTree(trace);
    expect(root.name).toBe("GET /express/item/:id");
    const scopes = new Set(trace.map((span) => span.scope?.name));
    expect(scopes).toContain("@opentelemetry/instrumentation-express");
    expect(trace.map((span) => span.name)).toEqual(expect.arrayContaining(["router - /item/:id", "request handler - /express/item/:id"]));
    expect(await loaded(app), "pg still not required").not.toContain("pg");
    // One copy of OpenTelemetry: everything came from the preload bundle and its lazy pieces.
    expect(JSON.parse((await get(app, "/otel-files")).body)).toEqual([]);
  });

  it("activates pg on its first require: query spans under the request", async () => {
    const app = await start();
    expect(await loaded(app)).not.toContain("pg");
    expect((await get(app, "/pg")).body).toBe('{"two":2}');
    expect(await loaded(app)).toContain("pg");
    const trace = await waitForTrace(receiver, (s) => s.kind === "SERVER" && s.attributes["url.path"] === "/pg", 2);
    expectWholeTree(trace);
    const query = trace.find((span) => span.scope?.name === "@opentelemetry/instrumentation-pg" && span.kind === "CLIENT");
    expect(query?.attributes["db.system"] ?? query?.attributes["db.system.name"]).toBe("postgresql");
  });

  it("never requires a disabled instrumentation, even when its module loads", async () => {
    const app = await start({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: "pg,express" });
    expect((await get(app, "/pg")).body).toBe('{"two":2}');
    expect((await get(app, "/express/item/1")).body).toBe('{"id":"1"}');
    const names = await loaded(app);
    expect(names).not.toContain("pg");
    expect(names).not.toContain("express");
    expect(names).toContain("router"); // still enabled: express 5 routes through the router package
    const pgTrace = await waitForTrace(receiver, (s) => s.kind === "SERVER" && s.attributes["url.path"] === "/pg", 1);
    expect(pgTrace.filter((span) => span.scope?.name === "@opentelemetry/instrumentation-pg")).toEqual([]);
  });
});

describe("instrumentations on demand, ES modules (--import)", () => {
  const start = () => runFixture({ script: ESM_APP, nodeArgs: ["--import", "axonpush-otel/register"], env: axonpushEnv(receiver.url) });

  it("traces a CommonJS package first reached by import(): express layers, not only http", async () => {
    const app = await start();
    expect(await loaded(app)).not.toContain("express");
    expect((await get(app, "/express/item/9")).body).toBe('{"id":"9"}');
    const trace = await waitForTrace(receiver, (s) => s.kind === "SERVER" && s.attributes["url.path"] === "/express/item/9", 2);
    const root = expectWholeTree(trace);
    expect(root.name).toBe("GET /express/item/:id");
    expect(trace.some((span) => span.scope?.name === "@opentelemetry/instrumentation-express")).toBe(true);
  });

  it("traces a core module first reached by import() (activated inside the loader's wrapper)", async () => {
    const app = await start();
    expect(await loaded(app)).not.toContain("dns");
    expect(JSON.parse((await get(app, "/dns")).body).address).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(await loaded(app)).toContain("dns");
    const trace = await waitForTrace(receiver, (s) => s.kind === "SERVER" && s.attributes["url.path"] === "/dns", 2);
    expectWholeTree(trace);
    expect(trace.some((span) => span.scope?.name === "@opentelemetry/instrumentation-dns" && span.name === "dns.lookup")).toBe(true);
  });
});

describe("--require then --import (NODE_OPTIONS plus a flag)", () => {
  it("announces the still-waiting instrumentations to the loader registered second", async () => {
    const app = await runFixture({
      script: ESM_APP,
      nodeArgs: ["--require", "axonpush-otel/register", "--import", "axonpush-otel/register"],
      env: axonpushEnv(receiver.url),
    });
    expect((await get(app, "/express/item/5")).body).toBe('{"id":"5"}');
    const trace = await waitForTrace(receiver, (s) => s.kind === "SERVER" && s.attributes["url.path"] === "/express/item/5", 2);
    expect(expectWholeTree(trace).name).toBe("GET /express/item/:id");
    expect(trace.some((span) => span.scope?.name === "@opentelemetry/instrumentation-express")).toBe(true);
  });
});

describe("CommonJS app under --import (no loader thread)", () => {
  it("still traces express reached by a dynamic import() of a CommonJS package", async () => {
    const app = await runFixture({
      script: CJS_APP,
      nodeArgs: ["--import", "axonpush-otel/register"],
      env: axonpushEnv(receiver.url, { DATABASE_URL: databaseUrl }),
    });
    expect((await get(app, "/imported/item/3")).body).toBe('{"id":"3"}');
    const trace = await waitForTrace(receiver, (s) => s.kind === "SERVER" && s.attributes["url.path"] === "/imported/item/3", 2);
    expect(expectWholeTree(trace).name).toBe("GET /imported/item/:id");
    expect(trace.some((span) => span.scope?.name === "@opentelemetry/instrumentation-express")).toBe(true);
  });
});
