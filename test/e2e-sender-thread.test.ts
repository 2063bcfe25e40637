// The sender thread, end to end under `--require` / `--import axonpush-otel/register`
// against the strict receiver: started only when there is something to send; sending
// falls back to the app's thread where no thread may run (the permission model) or once
// it died, and what it held is said; every lost span is said with its cause and the
// variable that would help; the standard proxy variables and NODE_EXTRA_CA_CERTS are
// honoured; and at a fixed request rate every span arrives.
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net, { type AddressInfo } from "node:net";
import autocannon from "autocannon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalReceiver, type LocalReceiver } from "../src/receiver/index.js";
import { axonpushEnv, killAllFixtures, runFixture, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { startForwardProxy, type ForwardProxy } from "./helpers/forward-proxy.js";
import { runToEnd } from "./helpers/run-to-end.js";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { startTlsFront, type TlsFront } from "./helpers/tls-front.js";
import { TRANSPORTS } from "./helpers/transports.js";

const APP = "fixtures/sender/app.cjs";
const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });
const nestReceiver = useSuiteReceiver({ api: "nest", apiKey: TEST_API_KEY, tenantId: TEST_TENANT });
const goDevReceiver = useSuiteReceiver({ api: "go-dev", apiKey: TEST_API_KEY, tenantId: TEST_TENANT });

/** The permission model's flag on this Node: `--permission` from 22.13 / 23.5, `--experimental-permission` before. */
const PERMISSION_FLAG = (() => {
  const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
  return major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13) ? "--permission" : "--experimental-permission";
})();

/** The loss lines our preload printed (as process warnings, or written directly at exit). */
const lossLines = (stderr: string) => stderr.split("\n").filter((line) => /AxonPushWarning: .* not delivered /.test(line));
/** A count as the line writes it ("1,000"). */
const countOf = (text: string) => Number(text.replaceAll(",", ""));
/** The total a loss line starts with. */
const lossTotalOf = (line: string) => countOf(/([\d,]+) spans? not delivered /.exec(line)?.[1] ?? "NaN");
/** Each cause of a loss line ("…: 900 batch queue full (OTEL_BSP_MAX_QUEUE_SIZE), 50 …") with its count. */
const lossCausesOf = (line: string) =>
  new Map(
    line
      .slice(line.indexOf(": ", line.indexOf("not delivered")) + 2)
      .split(/, (?=[\d,]+ )/)
      .map((part) => /^([\d,]+) (.*)$/.exec(part)!)
      .map(([, count, cause]) => [cause!, countOf(count!)] as const),
  );

describe("the sender thread starts lazily", () => {
  it("an app that ends no span never starts it", async () => {
    const run = await runToEnd(APP, { nodeArgs: ["--require", "axonpush-otel/register"], env: axonpushEnv(receiver.url), args: ["idle"] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({ thread: "not-started" });
    expect(receiver.requestCount).toBe(0);
  });

  it("an app that ends spans starts it, and still ends by itself with them delivered", async () => {
    const run = await runToEnd(APP, { nodeArgs: ["--import", "axonpush-otel/register"], env: axonpushEnv(receiver.url), args: ["work"] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({ thread: "running" });
    expect(receiver.spans().map((s) => s.name).sort()).toEqual(["work-0", "work-1", "work-2"]);
  });
});

describe("where no thread can run, or once it died", () => {
  it(`the permission model without --allow-worker (${PERMISSION_FLAG}): spans are sent from the app's thread, the app runs as without us`, async () => {
    // Where the permission model also guards the network (Node 25+), the app may use it; workers stay denied.
    const flags = [PERMISSION_FLAG, "--allow-fs-read=*", ...(process.allowedNodeEnvironmentFlags.has("--allow-net") ? ["--allow-net"] : [])];
    const [plain, traced] = await Promise.all([
      runToEnd(APP, { nodeArgs: flags, args: ["work"] }),
      runToEnd(APP, { nodeArgs: [...flags, "--require", "axonpush-otel/register"], env: axonpushEnv(receiver.url), args: ["work"] }),
    ]);
    expect([traced.code, traced.signal]).toEqual([plain.code, plain.signal]);
    expect(traced.stdout).toBe(plain.stdout.replace('"thread":"none"', '"thread":"unavailable"'));
    expect(traced.result).toEqual({ thread: "unavailable" });
    // Node's own warning about the permission model, with each process's pid: nothing else.
    const withoutPid = (text: string) => text.replace(/\(node:\d+\)/g, "(node:PID)");
    expect(withoutPid(traced.stderr)).toBe(withoutPid(plain.stderr));
    expect(receiver.spans().map((s) => s.name).sort()).toEqual(["work-0", "work-1", "work-2"]);
  });

  it("the thread goes before it took what was handed to it (it could not start): those spans go from the app's thread, none lost", async () => {
    const run = await runToEnd(APP, { nodeArgs: ["--require", "axonpush-otel/register"], env: axonpushEnv(receiver.url), args: ["sender-gone-before-taking"] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({ before: "running", after: "gone" });
    expect(receiver.spans().map((s) => s.name).sort()).toEqual(["early-0", "early-1", "early-2", "late-0", "late-1"]);
    expect(lossLines(run.stderr)).toEqual([]);
  });

  it("the thread dies holding spans: later spans go from the app's thread, the held ones are counted and said", async () => {
    // The first two events hang: the thread holds them when it dies. The app kills it once both have arrived here.
    receiver.failNext({ hang: true, times: 2 });
    const dir = mkdtempSync(join(tmpdir(), "axonpush-sender-dies-"));
    const goFile = join(dir, "go");
    const running = runToEnd(APP, {
      nodeArgs: ["--require", "axonpush-otel/register"],
      env: axonpushEnv(receiver.url, { FIXTURE_GO_FILE: goFile }),
      args: ["sender-dies"],
    });
    const deadline = Date.now() + 15_000;
    while (receiver.requestCount < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    writeFileSync(goFile, "");
    const run = await running;
    rmSync(dir, { recursive: true, force: true });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({ before: "running", after: "gone" });
    expect(receiver.spans().map((s) => s.name).sort()).toEqual(["after-0", "after-1", "after-2"]);
    // The app's thread learned the resource the dead thread had been told about.
    const resource = receiver.spans()[0]!.resource;
    expect(resource["service.name"]).not.toBe("unknown_service:node");
    expect(resource["process.pid"]).toMatch(/^\d+$/);
    expect(lossLines(run.stderr)).toEqual([
      expect.stringMatching(/AxonPushWarning: 2 spans not delivered (in the last \d+ s|before exit): 2 held by the sender thread when it stopped$/),
    ]);
  });
});

describe("under a virtual memory limit (ulimit -v) with no room for a second isolate", () => {
  // V8 aborts the whole process when it cannot reserve a new isolate's memory ("Fatal process out of memory: Failed to
  // reserve virtual memory for CodeRange"): the thread must not be tried there. The limit is set 400 MiB above what the
  // app under the preload has taken before its first span (measured first, unlimited, on this very Node): room for
  // the app, none for a worker (0.65-0.91 GiB measured on Node 20 to 26).
  let dir: string;
  let wrapper: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "axonpush-ulimit-"));
    wrapper = join(dir, "node-under-limit.sh");
    writeFileSync(wrapper, '#!/bin/sh\nulimit -v "$LIMIT_KB" || exit 97\nexec "$REAL_NODE" "$@"\n', { mode: 0o755 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(["--import", "--require"])("%s: the app runs on, its spans go from the app's thread, and a debug line says why", async (flag) => {
    const nodeArgs = [flag, "axonpush-otel/register"];
    const measured = await runToEnd(APP, { nodeArgs, env: axonpushEnv(receiver.url), args: ["address-space"] });
    const { vmSizeKb } = measured.result as { vmSizeKb: number };
    expect(vmSizeKb).toBeGreaterThan(0);
    const env = axonpushEnv(receiver.url, { OTEL_LOG_LEVEL: "debug", LIMIT_KB: String(vmSizeKb + 400 * 1024), REAL_NODE: process.execPath });
    const run = await runToEnd(APP, { node: wrapper, nodeArgs, env, args: ["work"] });
    expect([run.code, run.signal], run.stderr).toEqual([0, null]);
    expect(run.result).toEqual({ thread: "unavailable" });
    expect(receiver.spans().map((s) => s.name).sort()).toEqual(["work-0", "work-1", "work-2"]);
    // diag's console logger (OTEL_LOG_LEVEL=debug) writes debug lines with console.debug: to stdout.
    expect(run.stdout).toMatch(/no sender thread \(the virtual memory limit \(ulimit -v\) leaves [\d,]+ MiB of address space, and a thread takes about 1,536 MiB\); sending on the app's thread/);
    expect(lossLines(run.stderr)).toEqual([]);
  });
});

describe("where WebAssembly cannot run (node --jitless)", () => {
  it("behind a proxy: the spans go through the proxy's tunnel, and nothing is said about a fallback", async () => {
    const proxy = await startForwardProxy();
    try {
      const env = axonpushEnv(receiver.url, { OTEL_LOG_LEVEL: "debug", HTTP_PROXY: proxy.url });
      const [plain, traced] = await Promise.all([
        runToEnd(APP, { nodeArgs: ["--jitless"], args: ["work"] }),
        runToEnd(APP, { nodeArgs: ["--jitless", "--import", "axonpush-otel/register"], env, args: ["work"] }),
      ]);
      expect([traced.code, traced.signal], traced.stderr).toEqual([plain.code, plain.signal]);
      expect(traced.result).toEqual({ thread: "running" });
      expect(receiver.spans().map((s) => s.name).sort()).toEqual(["work-0", "work-1", "work-2"]);
      expect(proxy.tunnels).toContain(new URL(receiver.url).host);
      // diag's console logger (OTEL_LOG_LEVEL=debug) writes debug lines with console.debug: to stdout.
      expect(`${traced.stdout}\n${traced.stderr}`).not.toMatch(/WebAssembly|node:http/);
      expect(lossLines(traced.stderr)).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it("straight to the backend: our own HTTP/1.1 client needs no WebAssembly, and says nothing about node:http", async () => {
    const env = axonpushEnv(receiver.url, { OTEL_LOG_LEVEL: "debug" });
    const run = await runToEnd(APP, { nodeArgs: ["--jitless", "--import", "axonpush-otel/register"], env, args: ["work"] });
    expect(run.code, run.stderr).toBe(0);
    expect(receiver.spans().map((s) => s.name).sort()).toEqual(["work-0", "work-1", "work-2"]);
    expect(`${run.stdout}\n${run.stderr}`).not.toContain("node:http");
  });

  // Our client builds its requests its own way (headers, framing, the answers it reads): every API version must take them.
  const VERSIONS = [
    { api: "go", receiver },
    { api: "nest", receiver: nestReceiver },
    { api: "go-dev", receiver: goDevReceiver },
  ] as const;
  describe.each(TRANSPORTS)("$name transport", (transport) => {
    it.each(VERSIONS)("node --jitless against $api: every span stored once, nothing said", async ({ receiver: versionReceiver }) => {
      const env = axonpushEnv(versionReceiver.url, transport.env);
      const run = await runToEnd(APP, { nodeArgs: ["--jitless", "--import", "axonpush-otel/register"], env, args: ["work"] });
      expect(run.code, run.stderr).toBe(0);
      // nest refuses go's body properties by name; the exporter learns that and sends the same events without them.
      expect(versionReceiver.rejections.filter((r) => !/should not exist/.test(r.message))).toEqual([]);
      expect(versionReceiver.spans().map((s) => [s.name, s.via]).sort()).toEqual(["work-0", "work-1", "work-2"].map((name) => [name, transport.via]));
      // Node itself says "disabling flag --expose_wasm" under --jitless; we say nothing.
      expect(run.stderr.split("\n").filter((line) => /axonpush/i.test(line))).toEqual([]);
    });
  });
});

describe("no span lost without a word", () => {
  it("the batch processor's full queue (OTEL_BSP_MAX_QUEUE_SIZE): every span is delivered or counted, the line names the variable", async () => {
    const env = axonpushEnv(receiver.url, { OTEL_BSP_MAX_QUEUE_SIZE: "50", FIXTURE_SPANS: "1000" });
    const run = await runToEnd(APP, { nodeArgs: ["--require", "axonpush-otel/register"], env, args: ["burst"] });
    expect(run.code, run.stderr).toBe(0);
    const lines = lossLines(run.stderr);
    expect(lines, run.stderr).toHaveLength(1);
    const line = lines[0]!;
    const causes = lossCausesOf(line);
    const batchQueueFull = "batch queue full (OTEL_BSP_MAX_QUEUE_SIZE)";
    const exitBudget = "unsent or unanswered when the exit budget ran out (AXONPUSH_SHUTDOWN_TIMEOUT_MS)";
    // The batch processor held 50 and handed 50 over; the other 900 it dropped, in the loop, before anything ran.
    expect(causes.get(batchQueueFull), line).toBe(900);
    // On a loaded machine the exit budget may end before every answer: those are counted too, by their own cause
    // (a sent, unanswered span may also have arrived: counted, not confirmed). No other cause.
    expect([...causes.keys()].filter((cause) => cause !== batchQueueFull && cause !== exitBudget), line).toEqual([]);
    const lost = [...causes.values()].reduce((sum, count) => sum + count, 0);
    expect(lossTotalOf(line), line).toBe(lost);
    expect(receiver.spans().length, line).toBeLessThanOrEqual(100);
    expect(receiver.spans().length + lost, line).toBeGreaterThanOrEqual(1000);
  });

  it("the sender's full queue (AXONPUSH_QUEUE_SIZE) behind a slow backend: the rest waits for room, and every span is delivered", async () => {
    // 300 spans in one batch, 150 at a time through the sender: the other 150 wait on the app's thread instead of being dropped.
    receiver.failNext({ delayMs: 300, times: 20 });
    const env = axonpushEnv(receiver.url, { AXONPUSH_QUEUE_SIZE: "150", FIXTURE_SPANS: "300", AXONPUSH_SHUTDOWN_TIMEOUT_MS: "10000" });
    const run = await runToEnd(APP, { nodeArgs: ["--require", "axonpush-otel/register"], env, args: ["work"] });
    expect(run.code, run.stderr).toBe(0);
    expect(lossLines(run.stderr)).toEqual([]);
    expect(receiver.spans().length).toBe(300);
    expect(new Set(receiver.spans().map((s) => s.name)).size).toBe(300);
  });

  it("process.exit() while spans wait for room in the sender's queue: they are handed over, what does not fit is counted with the rest", async () => {
    receiver.failNext({ delayMs: 2_000, times: 20 });
    const env = axonpushEnv(receiver.url, { AXONPUSH_QUEUE_SIZE: "20", FIXTURE_SPANS: "300", AXONPUSH_SHUTDOWN_TIMEOUT_MS: "3000" });
    const run = await runToEnd(APP, { nodeArgs: ["--import", "axonpush-otel/register"], env, args: ["exit-while-waiting"] });
    expect(run.code, run.stderr).toBe(0);
    const lines = lossLines(run.stderr);
    expect(lines).toHaveLength(1);
    const [, lost, byCause] = /(\d+) spans not delivered [^:]*: (\d+) sender queue full \(AXONPUSH_QUEUE_SIZE\)$/.exec(lines[0]!) ?? [];
    expect(Number(byCause)).toBe(Number(lost));
    expect(Number(lost)).toBe(280);
    expect(receiver.spans().length).toBe(20);
  });
});

describe("spans waiting for room never keep the app alive", () => {
  it("an app that ends by itself while spans wait for a slow backend exits within its budget; every span is counted", async () => {
    // The backend answers the first 20 requests after 5 s; the exit budget is 500 ms. Had anything waited for those
    // answers, they would have been delivered; the app ends instead, and they are counted as cut off by the budget.
    receiver.failNext({ delayMs: 5_000, times: 20 });
    const env = axonpushEnv(receiver.url, {
      AXONPUSH_QUEUE_SIZE: "20",
      FIXTURE_SPANS: "300",
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "100",
      AXONPUSH_SHUTDOWN_TIMEOUT_MS: "500",
    });
    const run = await runToEnd(APP, { nodeArgs: ["--import", "axonpush-otel/register"], env, args: ["leave-while-waiting"] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({ thread: "running" });
    const lines = lossLines(run.stderr);
    expect(lines).toHaveLength(1);
    const lost = lossTotalOf(lines[0]!);
    expect(lines[0]).toMatch(/\d+ unsent or unanswered when the exit budget ran out \(AXONPUSH_SHUTDOWN_TIMEOUT_MS\)/);
    expect(lines[0]).toMatch(/\d+ sender queue full \(AXONPUSH_QUEUE_SIZE\)/);
    expect(receiver.spans()).toHaveLength(0);
    expect(lost).toBe(300);
  });
});

describe("the way out", () => {
  let proxy: ForwardProxy;
  beforeAll(async () => {
    proxy = await startForwardProxy();
  });
  afterAll(async () => {
    await proxy.close();
  });

  it("HTTP_PROXY is honoured: the spans go through the proxy", async () => {
    proxy.tunnels.length = 0;
    const env = axonpushEnv(receiver.url, { HTTP_PROXY: proxy.url });
    const run = await runToEnd(APP, { nodeArgs: ["--require", "axonpush-otel/register"], env, args: ["work"] });
    expect(run.code, run.stderr).toBe(0);
    expect(receiver.spans()).toHaveLength(3);
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
    expect(new Set(proxy.tunnels)).toEqual(new Set([new URL(receiver.url).host]));
  });

  it("a proxy that wants credentials: the loss line says 407, never the proxy's URL or password", async () => {
    const refusing = net.createServer((socket) => socket.once("data", () => socket.end("HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n")));
    refusing.listen(0, "127.0.0.1");
    await once(refusing, "listening");
    try {
      const proxyUrl = `http://spans:hunter2-secret@127.0.0.1:${(refusing.address() as AddressInfo).port}`;
      const env = axonpushEnv(receiver.url, { HTTP_PROXY: proxyUrl, AXONPUSH_MAX_RETRIES: "0" });
      const run = await runToEnd(APP, { nodeArgs: ["--require", "axonpush-otel/register"], env, args: ["work"] });
      expect(run.code, run.stderr).toBe(0);
      expect(receiver.spans()).toEqual([]);
      expect(lossLines(run.stderr)).toEqual([expect.stringMatching(/3 spans not delivered .*\(proxy refused the tunnel: 407 \(proxy authentication required\)\)$/)]);
      expect(`${run.stdout}${run.stderr}`).not.toMatch(/hunter2|spans:|127\.0\.0\.1:\d+/);
    } finally {
      await new Promise((resolve) => refusing.close(resolve));
    }
  });

  it("NO_PROXY is respected: the receiver's host is reached directly", async () => {
    proxy.tunnels.length = 0;
    const env = axonpushEnv(receiver.url, { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" });
    const run = await runToEnd(APP, { nodeArgs: ["--require", "axonpush-otel/register"], env, args: ["work"] });
    expect(run.code, run.stderr).toBe(0);
    expect(receiver.spans()).toHaveLength(3);
    expect(proxy.tunnels).toEqual([]);
  });
});

describe("HTTPS with a CA of one's own (NODE_EXTRA_CA_CERTS)", () => {
  let front: TlsFront;
  beforeAll(async () => {
    front = await startTlsFront(receiver.url);
  });
  afterAll(async () => {
    await front.close();
  });

  it("delivers over TLS when the CA is given", async () => {
    const env = axonpushEnv(front.url, { NODE_EXTRA_CA_CERTS: front.caFile });
    const run = await runToEnd(APP, { nodeArgs: ["--require", "axonpush-otel/register"], env, args: ["work"] });
    expect(run.code, run.stderr).toBe(0);
    expect(receiver.spans().map((s) => s.name).sort()).toEqual(["work-0", "work-1", "work-2"]);
  });

  it("delivers over TLS through a proxy's tunnel (HTTPS_PROXY), the CA given", async () => {
    const proxy = await startForwardProxy();
    try {
      const env = axonpushEnv(front.url, { NODE_EXTRA_CA_CERTS: front.caFile, HTTPS_PROXY: proxy.url });
      const run = await runToEnd(APP, { nodeArgs: ["--require", "axonpush-otel/register"], env, args: ["work"] });
      expect(run.code, run.stderr).toBe(0);
      expect(receiver.spans().map((s) => s.name).sort()).toEqual(["work-0", "work-1", "work-2"]);
      expect(new Set(proxy.tunnels)).toEqual(new Set([new URL(front.url).host]));
    } finally {
      await proxy.close();
    }
  });

  it("refuses an unknown CA, and says the spans were not delivered", async () => {
    const env = axonpushEnv(front.url, { AXONPUSH_MAX_RETRIES: "0" });
    const run = await runToEnd(APP, { nodeArgs: ["--require", "axonpush-otel/register"], env, args: ["work"] });
    expect(run.code, run.stderr).toBe(0);
    expect(receiver.spans()).toEqual([]);
    expect(lossLines(run.stderr)).toEqual([expect.stringMatching(/3 spans not delivered .*: 3 not delivered after retries .*\(connection error: [A-Z_]*(CERT|SIGNATURE|ISSUER)[A-Z_]*\)$/)]);
  });
});

describe.each(["events", "otlp"] as const)("at a fixed request rate (%s transport)", (transport) => {
  let fixed: LocalReceiver;
  beforeAll(async () => {
    fixed = await startLocalReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT });
  });
  afterAll(async () => {
    await fixed.close();
  });

  it("every request's span arrives, none twice", async () => {
    const app = await runFixture({
      script: "fixtures/cjs-http/app.cjs",
      nodeArgs: ["--require", "axonpush-otel/register"],
      env: axonpushEnv(fixed.url, { AXONPUSH_TRANSPORT: transport }),
    });
    // 1,000 requests a second for two seconds: the rate of the measurements, halved for a test.
    const result = await autocannon({ url: `http://127.0.0.1:${app.port}/inner`, connections: 10, overallRate: 1000, amount: 2000 });
    expect(result.non2xx + result.errors).toBe(0);
    const served = result.requests.total;
    await fixed.waitForSpans((spans) => spans.filter((s) => s.kind === "SERVER").length >= served, 15_000);
    const server = fixed.spans().filter((s) => s.kind === "SERVER");
    expect(server).toHaveLength(served);
    expect(new Set(server.map((s) => s.spanId)).size).toBe(served);
    expect(fixed.rejections).toEqual([]);
  });
});
