import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

// The built CLI is what users run (`npx axonpush-otel dev`); `npm test` builds it first.
const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const ROOT = "00f067aa0ba902b7";
const CHILD = "1111111111111111";
const SECRET_KEY = "ak_super_secret_value";

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: ChildProcess[] = [];

function runCli(args: string[]): Running {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, OTEL_NODE_RESOURCE_DETECTORS: "env,host,os,process,serviceinstance,container" },
  });
  running.push(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitForOutput(run: Running, what: string | RegExp, stream: "stdout" | "stderr" = "stdout", timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  const found = () => (typeof what === "string" ? run[stream]().includes(what) : what.test(run[stream]()));
  while (!found()) {
    if (Date.now() > deadline) {
      throw new Error(`no ${String(what)} in ${stream} after ${timeoutMs} ms.\nstdout:\n${run.stdout()}\nstderr:\n${run.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function spanEvent(name: string, kind: string, spanId: string, parent: string | undefined, endNanos: string) {
  const payload: Record<string, unknown> = {
    name,
    kind,
    status: "OK",
    attributes: {},
    startTimeUnixNano: "1700000000000000000",
    endTimeUnixNano: endNanos,
    resource: { "service.name": "api" },
    traceId: TRACE,
    spanId,
  };
  const body: Record<string, unknown> = { identifier: name, eventType: "app.span", channel_id: "dev", traceId: TRACE, spanId, payload };
  if (parent) {
    payload.parentSpanId = parent;
    body.parentSpanId = parent;
  }
  return body;
}

async function post(port: number, body: unknown, extraHeaders: Record<string, string> = {}): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/event`, {
    method: "POST",
    headers: { "x-api-key": SECRET_KEY, "x-tenant-id": "dev", "content-type": "application/json", ...extraHeaders },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
});

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

const portOf = (run: Running) => Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(run.stdout())![1]);

describe("axonpush-otel dev", () => {
  it("prints where it listens, each span as a line, the trace as a tree, and stops cleanly on SIGTERM", async () => {
    const run = runCli(["dev", "--port", "0"]);
    await waitForOutput(run, "Waiting for spans");
    const port = portOf(run);
    expect(port).toBeGreaterThan(0);
    expect(run.stdout()).toContain(`AXONPUSH_BASE_URL=http://127.0.0.1:${port}\n`);
    expect(run.stdout()).toContain("AXONPUSH_API_KEY=dev");

    // Child first, as concurrent requests can deliver it before its root.
    expect(await post(port, spanEvent("SELECT users", "CLIENT", CHILD, ROOT, "1700000000003000000"))).toBe(200);
    expect(await post(port, spanEvent("GET /users", "SERVER", ROOT, undefined, "1700000000012000000"))).toBe(200);
    await waitForOutput(run, "[4bf92f35] SELECT users  CLIENT  3.0 ms  OK\n");
    await waitForOutput(run, "[4bf92f35] GET /users  SERVER  12.0 ms  OK\n");
    await waitForOutput(run, `trace ${TRACE} (2 spans)\n└─ GET /users  SERVER  12.0 ms  OK\n   └─ SELECT users  CLIENT  3.0 ms  OK\n`);

    expect(await post(port, { identifier: "x", channel_id: "dev" })).toBe(422);
    await waitForOutput(run, "rejected 422: validation failed: body.payload must be an object", "stderr");

    run.child.kill("SIGTERM");
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stdout() + run.stderr()).not.toContain(SECRET_KEY);
  });

  it("imitates go by default: says so, tells that the key alone is enough, refuses what go refuses", async () => {
    const run = runCli(["dev"]);
    await waitForOutput(run, "Waiting for spans");
    expect(run.stdout()).toContain("Imitating the go API (production AxonPush, the default)");
    expect(run.stdout()).toContain("on go the key alone is enough");
    expect(run.stdout()).not.toContain("AXONPUSH_TENANT_ID");
    const port = portOf(run);
    // No tenant, no channel: still accepted, as on production AxonPush.
    const { channel_id: _channel, ...withoutChannel } = spanEvent("GET /", "SERVER", ROOT, undefined, "1700000000012000000");
    expect(await post(port, withoutChannel, { "x-tenant-id": "" })).toBe(200);
    expect(await post(port, { ...withoutChannel, environment: "prod" })).toBe(422);
    await waitForOutput(run, "rejected 422: validation failed: body.environment unexpected property", "stderr");
    run.child.kill("SIGTERM");
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });

  it("--api nest imitates the first backend: tenant and channel in the banner, 201 answers, its refusals", async () => {
    const run = runCli(["dev", "--api", "nest"]);
    await waitForOutput(run, "Waiting for spans");
    expect(run.stdout()).toContain("Imitating the nest API");
    expect(run.stdout()).toContain("export AXONPUSH_TENANT_ID=dev");
    expect(run.stdout()).toContain("export AXONPUSH_CHANNEL_ID=dev");
    const port = portOf(run);
    const event = spanEvent("GET /", "SERVER", ROOT, undefined, "1700000000012000000");
    expect(await post(port, event)).toBe(201);
    expect(await post(port, { ...event, dedupKey: "otel:x" })).toBe(400);
    await waitForOutput(run, "rejected 400: property dedupKey should not exist", "stderr");
    run.child.kill("SIGTERM");
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });

  it("--api go-dev says so and accepts occurredAt", async () => {
    const run = runCli(["dev", "--api", "go-dev"]);
    await waitForOutput(run, "Waiting for spans");
    expect(run.stdout()).toContain("Imitating the go-dev API");
    const event = spanEvent("GET /", "SERVER", ROOT, undefined, "1700000000012000000");
    expect(await post(portOf(run), { ...event, occurredAt: "2026-12-01T21:00:00Z" })).toBe(200);
    run.child.kill("SIGTERM");
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });

  it("--otlp json-only says so and answers OTLP protobuf with 415, OTLP/JSON with 200", async () => {
    const run = runCli(["dev", "--otlp", "json-only"]);
    await waitForOutput(run, "Waiting for spans");
    expect(run.stdout()).toContain("OTLP: JSON only (--otlp json-only)");
    const port = portOf(run);
    const postOtlp = async (contentType: string, body: string | Uint8Array) => {
      const response = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
        method: "POST",
        headers: { "x-api-key": SECRET_KEY, "content-type": contentType },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    };
    // An empty ExportTraceServiceRequest in each encoding.
    expect(await postOtlp("application/x-protobuf", new Uint8Array())).toBe(415);
    await waitForOutput(run, "rejected 415: only JSON-encoded OTLP is accepted", "stderr");
    expect(await postOtlp("application/json", "{}")).toBe(200);
    run.child.kill("SIGTERM");
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });

  it("stops cleanly on Ctrl-C (SIGINT) too, even pressed the moment the banner shows", async () => {
    // Several at once, each interrupted as soon as "Waiting for spans" arrives:
    // a handler installed after the banner loses that race about half the time.
    const runs = Array.from({ length: 8 }, () => runCli(["dev"]));
    for (const run of runs) {
      run.child.stdout!.on("data", () => {
        if (run.stdout().includes("Waiting for spans")) run.child.kill("SIGINT");
      });
    }
    const exits = await Promise.all(runs.map((run) => run.exited));
    expect(exits).toEqual(runs.map(() => ({ code: 0, signal: null })));
  });
});

describe("misuse", () => {
  it.each([
    [[], "missing command"],
    [["frobnicate"], 'unknown command "frobnicate"'],
    [["dev", "--port", "abc"], "--port must be a number"],
    [["dev", "--port", "70000"], "--port must be a number"],
    [["dev", "--bogus"], "--bogus"],
    [["dev", "extra"], 'unexpected argument "extra"'],
    [["dev", "--api", "nestjs"], '--api must be one of go, go-dev, nest (got "nestjs")'],
    [["dev", "--api"], "--api"],
    [["dev", "--otlp", "protobuf-only"], '--otlp must be json-only or any (got "protobuf-only")'],
    [["check", "--api", "nest"], "check takes no --port, --api or --otlp"],
    [["check", "--otlp", "json-only"], "check takes no --port, --api or --otlp"],
  ])("%j exits 2 with usage", async (args, message) => {
    const run = runCli(args as string[]);
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain(message);
    expect(run.stderr()).toContain("Usage: axonpush-otel <command>");
  });

  it("--help prints usage and exits 0", async () => {
    const run = runCli(["--help"]);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toContain("dev [--port N] [--api go|go-dev|nest] [--otlp json-only]");
    expect(run.stdout()).toContain("check ");
    expect(run.stdout()).toContain("default API: go");
  });
});
