// `npx axonpush-otel check`, as users run it: the built CLI in a child process,
// configured by environment (and .env) only, against the real local receiver of
// each API version on 127.0.0.1 (or a small server that answers what a test
// needs). Each answer must come out in plain words naming what to fix, and the
// key must never be printed, even when a server echoes it back.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startLocalReceiver, type AxonPushApiVersion, type LocalReceiver } from "../src/receiver/index.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const KEY = "ak_check_secret_key_1234";
const VERSIONS: AxonPushApiVersion[] = ["go", "go-dev", "nest"];
const TRANSPORTS = ["events", "otlp"] as const;

interface CheckRun {
  code: number | null;
  stdout: string;
  stderr: string;
  output: string;
}

let workDir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  // Its own working directory, so no .env or package.json of the repository is read.
  workDir = mkdtempSync(join(tmpdir(), "axonpush-check-"));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(join(workDir, ".env"), { force: true });
});

/** Runs `axonpush-otel check` with only these variables (no inherited AXONPUSH_* / OTEL_*). */
function check(env: Record<string, string>): Promise<CheckRun> {
  const base: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(AXONPUSH_|OTEL_)/.test(name) && name !== "NODE_OPTIONS") base[name] = value;
  }
  const child = spawn(process.execPath, [CLI, "check"], {
    cwd: workDir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...base, OTEL_NODE_RESOURCE_DETECTORS: "env,host,os,process,serviceinstance,container", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr, output: stdout + stderr })));
}

async function receiverFor(api: AxonPushApiVersion, options: { tenantId?: string; channels?: string[]; otlp?: "json-only" } = {}) {
  const receiver = await startLocalReceiver({ api, apiKey: KEY, ...options });
  cleanups.push(() => receiver.close());
  return receiver;
}

/** The variables a user of this version sets: the key alone on go; nest needs the tenant and a channel too. */
function envFor(api: AxonPushApiVersion, receiver: LocalReceiver, extra: Record<string, string> = {}) {
  const env: Record<string, string> = { AXONPUSH_BASE_URL: receiver.url, AXONPUSH_API_KEY: KEY };
  if (api === "nest") Object.assign(env, { AXONPUSH_TENANT_ID: "tenant_1", AXONPUSH_CHANNEL_ID: "ch_1" });
  return { ...env, ...extra };
}

/** A server answering every request with `status` and `body` (JSON), for answers the receiver has no reason to give. */
async function answering(status: number, body: unknown, contentType = "application/json"): Promise<string> {
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on("end", () => response.writeHead(status, { "content-type": contentType }).end(JSON.stringify(body)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe.each(VERSIONS)("accepted by %s", (api) => {
  it.each(TRANSPORTS)("with the %s transport: exit 0, one test span stored, named as a check", async (transport) => {
    const receiver = await receiverFor(api, { tenantId: "tenant_1", channels: ["ch_1"] });
    const run = await check(envFor(api, receiver, { AXONPUSH_TRANSPORT: transport, AXONPUSH_ENVIRONMENT: "staging" }));
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toContain(`transport ${transport}`);
    expect(run.stdout).toMatch(/^accepted: AxonPush answered HTTP 20[01] to the test span "axonpush-otel check"/m);
    expect(run.stderr).toBe("");
    const spans = receiver.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ name: "axonpush-otel check", via: transport === "otlp" ? "otlp" : "event" });
    expect(spans[0]!.attributes["axonpush.check"]).toBe("true");
    expect(spans[0]!.resource["deployment.environment"]).toBe("staging");
    expect(run.stdout).toContain(spans[0]!.traceId);
    // nest refuses dedupKey by name: the span is sent again without it, and that is still "accepted".
    const refusedFirst = api === "nest" && transport === "events";
    expect(receiver.rejections).toEqual(refusedFirst ? [{ status: 400, message: "property dedupKey should not exist" }] : []);
    const note = "note: this server refused the body property dedupKey by name (an older AxonPush API); the span was sent again without it";
    if (refusedFirst) expect(run.stdout).toContain(note);
    else expect(run.stdout).not.toContain("note:");
    expect(receiver.events).toHaveLength(1);
    expect(run.output).not.toContain(KEY);
  });
});

describe("a deployment that takes only JSON-encoded OTLP", () => {
  it("otlp transport: accepted as OTLP/JSON after the protobuf refusal, with a note saying the preload does the same", async () => {
    const receiver = await receiverFor("go", { otlp: "json-only" });
    const run = await check(envFor("go", receiver, { AXONPUSH_TRANSPORT: "otlp" }));
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toMatch(/^accepted: AxonPush answered HTTP 200/m);
    expect(run.stdout).toContain("note: this server refused OTLP protobuf and took the span as OTLP/JSON");
    expect(receiver.rejections.map((r) => r.status)).toEqual([415]);
    expect(receiver.events.map((e) => e.headers["content-type"])).toEqual(["application/json"]);
  });

  it("with OTEL_EXPORTER_OTLP_PROTOCOL=http/json: JSON at once, no note", async () => {
    const receiver = await receiverFor("go", { otlp: "json-only" });
    const run = await check(envFor("go", receiver, { AXONPUSH_TRANSPORT: "otlp", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }));
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).not.toContain("note:");
    expect(receiver.rejections).toEqual([]);
  });
});

describe("configuration", () => {
  it("reads .env in the working directory, as the preload does", async () => {
    const receiver = await receiverFor("go");
    writeFileSync(join(workDir, ".env"), `AXONPUSH_API_KEY=${KEY}\nAXONPUSH_BASE_URL=${receiver.url}\n`);
    const run = await check({});
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toContain(`sending one test span to ${receiver.url}`);
    expect(run.stdout).toContain("the organisation's default channel");
    expect(receiver.spans()).toHaveLength(1);
  });

  it("sends the test span whatever the app's sampler says (OTEL_TRACES_SAMPLER=always_off)", async () => {
    const receiver = await receiverFor("go");
    const run = await check(envFor("go", receiver, { OTEL_TRACES_SAMPLER: "always_off" }));
    expect(run.code, run.output).toBe(0);
    expect(receiver.spans().map((s) => s.name)).toEqual(["axonpush-otel check"]);
  });

  it("AXONPUSH_MODE=sync: the span is sent as the preload would send it, with sync: true", async () => {
    const receiver = await receiverFor("go");
    const run = await check(envFor("go", receiver, { AXONPUSH_MODE: "sync" }));
    expect(run.code, run.output).toBe(0);
    expect(receiver.events[0]!.body.sync).toBe(true);
  });

  it("without AXONPUSH_API_KEY: exit 1 naming it, nothing sent", async () => {
    const receiver = await receiverFor("go");
    const run = await check({ AXONPUSH_BASE_URL: receiver.url });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("AXONPUSH_API_KEY is not set");
    expect(receiver.requestCount).toBe(0);
  });
});

describe("refused", () => {
  it.each(VERSIONS)("401 on %s names AXONPUSH_API_KEY and never prints the key", async (api) => {
    const receiver = await receiverFor(api, { tenantId: "tenant_1" });
    const wrongKey = "ak_wrong_but_secret_5678";
    const run = await check(envFor(api, receiver, { AXONPUSH_API_KEY: wrongKey }));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^refused: AxonPush answered HTTP 401: invalid API key/m);
    expect(run.stderr).toContain("Fix AXONPUSH_API_KEY");
    expect(run.output).not.toContain(wrongKey);
    expect(receiver.spans()).toEqual([]);
  });

  it("403 (nest, another tenant) names AXONPUSH_TENANT_ID", async () => {
    const receiver = await receiverFor("nest", { tenantId: "tenant_1" });
    const run = await check(envFor("nest", receiver, { AXONPUSH_TENANT_ID: "tenant_2" }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("HTTP 403");
    expect(run.stderr).toContain("AXONPUSH_TENANT_ID");
  });

  it.each(VERSIONS)("404 for an unknown channel on %s names AXONPUSH_CHANNEL_ID and AXONPUSH_BASE_URL", async (api) => {
    const receiver = await receiverFor(api, { tenantId: "tenant_1", channels: ["ch_1"] });
    const run = await check(envFor(api, receiver, { AXONPUSH_CHANNEL_ID: "ch_gone" }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HTTP 404: channel "ch_gone" not found');
    expect(run.stderr).toContain('Fix AXONPUSH_CHANNEL_ID (is "ch_gone" a channel of this organisation?) or AXONPUSH_BASE_URL');
  });

  it("404 for a base URL that does not serve the API names AXONPUSH_BASE_URL", async () => {
    const receiver = await receiverFor("go");
    const run = await check(envFor("go", receiver, { AXONPUSH_BASE_URL: `${receiver.url}/api` }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("HTTP 404");
    expect(run.stderr).toContain(`Fix AXONPUSH_BASE_URL (does ${receiver.url}/api serve the AxonPush API?)`);
  });

  it("400 on nest without a tenant: the server's words, which name AXONPUSH_TENANT_ID", async () => {
    const receiver = await receiverFor("nest");
    const { AXONPUSH_TENANT_ID: _tenant, ...env } = envFor("nest", receiver);
    const run = await check(env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/HTTP 400: missing x-tenant-id header.*AXONPUSH_TENANT_ID/);
  });

  it("other refusals: nest's message and hint, as the server said them", async () => {
    const url = await answering(400, { code: "bad_request", message: "payload too odd", hint: "ask support", requestId: "r1" });
    const run = await check({ AXONPUSH_BASE_URL: url, AXONPUSH_API_KEY: KEY });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("refused: AxonPush answered HTTP 400: payload too odd");
    expect(run.stderr).toContain("ask support");
  });

  it("other refusals: go's detail and first error, as the server said them", async () => {
    const problem = {
      type: "about:blank",
      title: "Unprocessable Entity",
      status: 422,
      detail: "validation failed",
      instance: "/event",
      errors: [{ location: "body.payload.size", message: "too large", value: 1 }],
    };
    const url = await answering(422, problem, "application/problem+json");
    const run = await check({ AXONPUSH_BASE_URL: url, AXONPUSH_API_KEY: KEY });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("refused: AxonPush answered HTTP 422: validation failed");
    expect(run.stderr).toContain("body.payload.size: too large");
  });

  it.each([
    ["nest", 401, { code: "unauthorized", message: `key ${KEY} is revoked`, hint: `replace ${KEY}` }],
    ["go", 422, { type: "about:blank", title: "x", status: 422, detail: `bad key ${KEY}`, errors: [{ location: "header", message: KEY }] }],
  ] as const)("a %s server echoing the key back: the key is still never printed", async (_shape, status, body) => {
    const url = await answering(status, body);
    const run = await check({ AXONPUSH_BASE_URL: url, AXONPUSH_API_KEY: KEY });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`HTTP ${status}`);
    expect(run.stderr).toContain("[REDACTED]");
    expect(run.output).not.toContain(KEY);
  });
});

describe("not sent", () => {
  it("an unreachable base URL names AXONPUSH_BASE_URL and ends by itself", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve)); // nothing listens there any more
    const run = await check({ AXONPUSH_BASE_URL: `http://127.0.0.1:${port}`, AXONPUSH_API_KEY: KEY });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`not sent: could not reach AxonPush at http://127.0.0.1:${port}`);
    expect(run.stderr).toContain("ECONNREFUSED");
    expect(run.stderr).toContain("Check AXONPUSH_BASE_URL");
  });

  it("a server that never answers: stops at the configured timeout, naming AXONPUSH_BASE_URL", async () => {
    const receiver = await receiverFor("go");
    receiver.failNext({ hang: true, times: 5 });
    const run = await check(envFor("go", receiver, { AXONPUSH_TIMEOUT: "0.3" }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("not sent: no answer from AxonPush");
    expect(run.stderr).toContain("timed out after 300 ms");
    expect(run.stderr).toContain("Check AXONPUSH_BASE_URL");
  });
});
