/**
 * The exit drain through the sender thread, with an exporter set up by hand
 * (no preload, so the thread's own `exit` listener does it): a process that
 * hands spans over and ends at once still delivers them, within the
 * exporter's shutdown budget, retrying and leaving out what a server
 * refuses by name as the thread always does, and says on stderr what it
 * could not send. Run in a child process: its app thread blocks in
 * Atomics.wait while the receiver here must answer.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalReceiver, type LocalReceiver } from "../src/receiver/index.js";
import { SUITE_APIS } from "./helpers/api-versions.js";
import { PACKAGE_ROOT } from "./exit-harness.js";

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
  report: { sendingFrom: string; drainMs: number } | undefined;
}

function runLibraryExit(options: Record<string, unknown>): Promise<Ended> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(PACKAGE_ROOT, "fixtures", "exit", "library-exit.ts"), JSON.stringify(options)],
      { cwd: PACKAGE_ROOT, timeout: 30_000 },
      (error, stdout, stderr) => {
        const last = stdout.trim().split("\n").pop();
        let report: Ended["report"];
        try {
          report = last ? JSON.parse(last) : undefined;
        } catch {
          report = undefined;
        }
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr, elapsedMs: Date.now() - startedAt, report });
      },
    );
  });
}

describe.each(SUITE_APIS)("the exit drain, against the %s API", (api) => {
  let receiver: LocalReceiver;
  beforeAll(async () => {
    receiver = await startLocalReceiver({ api, apiKey: "ak_exit_drain", tenantId: "org_exit" });
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(() => receiver.reset());

  const base = () => ({ baseUrl: receiver.url, apiKey: "ak_exit_drain", tenantId: "org_exit", channelId: "ch_exit", shutdownTimeoutMs: 5_000 });

  it.each(["events", "otlp"] as const)("delivers everything handed over before process.exit() (%s), each span once, quietly", async (transport) => {
    const ended = await runLibraryExit({ ...base(), transport, spans: 40 });
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.report?.sendingFrom).toBe("thread");
    expect(new Set(receiver.spans().map((span) => span.name)).size).toBe(40);
    expect(receiver.spans()).toHaveLength(40);
    expect(ended.stderr).toBe("");
  });

  it("retries a 503 under the same key within the budget", async () => {
    receiver.failNext({ status: 503 });
    const ended = await runLibraryExit({ ...base(), spans: 1 });
    expect(ended.code).toBe(0);
    expect(receiver.spans().map((span) => span.name)).toEqual(["exit-0"]);
    const keys = receiver.tries.filter((t) => t.path === "/event").map((t) => t.idempotencyKey);
    // The 503 and its retry: one key. (On nest the retry is then refused for dedupKey and goes again under a derived key.)
    expect(keys[1]).toBe(keys[0]);
    expect(keys).toHaveLength(api === "nest" ? 3 : 2);
  });

  it("a request stored and then cut off before the answer is retried and stored once", async () => {
    receiver.failNext({ storeThenDrop: true, times: 1 });
    // On nest the first answer refuses dedupKey; the stored-then-cut one is the resend without it.
    if (api === "nest") receiver.reset();
    const ended = await runLibraryExit({ ...base(), spans: 1 });
    expect(ended.code).toBe(0);
    expect(receiver.spans().map((span) => span.name)).toEqual(["exit-0"]);
    expect(receiver.events).toHaveLength(1);
  });

  it("gives up at the budget when the backend never answers, and says how many spans were not sent", async () => {
    receiver.failNext({ hang: true, times: 100 });
    const ended = await runLibraryExit({ ...base(), spans: 5, shutdownTimeoutMs: 1_000 });
    expect(ended.code).toBe(0);
    expect(ended.report!.drainMs).toBeLessThan(1_000 + 500);
    expect(ended.stderr).toMatch(
      /^\(node:\d+\) AxonPushWarning: 5 spans not delivered before exit: 5 unsent or unanswered when the exit budget ran out \(AXONPUSH_SHUTDOWN_TIMEOUT_MS\)\n$/,
    );
  });
});

describe("the sender thread", () => {
  let receiver: LocalReceiver;
  beforeAll(async () => {
    receiver = await startLocalReceiver({ apiKey: "ak_exit_drain" });
  });
  afterAll(async () => {
    await receiver.close();
  });

  it("is never started by an exporter that is handed nothing, and nothing waits at exit", async () => {
    const ended = await runLibraryExit({ baseUrl: receiver.url, apiKey: "ak_exit_drain", spans: 3, exportNothing: true, shutdownTimeoutMs: 5_000 });
    expect(ended.code).toBe(0);
    expect(ended.report).toEqual({ sendingFrom: "not-started", drainMs: expect.any(Number) });
    expect(ended.report!.drainMs).toBeLessThan(100);
    expect(receiver.requestCount).toBe(0);
  });
});
