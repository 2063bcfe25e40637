/**
 * End to end: a Lambda-like process under the preload that is frozen (killed
 * with SIGKILL) the moment the handler's promise settles. With
 * flushAfterInvocation the invocation's spans are at the receiver by then,
 * on success and on error; without it they are not. And when a serverless
 * runtime is detected, a debug line says how to wrap an unwrapped handler.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { PACKAGE_ROOT, fixtureEnv } from "./exit-harness.js";

const LAMBDA_FIXTURE = path.join(PACKAGE_ROOT, "fixtures", "exit", "lambda.mjs");

const receiver = useSuiteReceiver({ apiKey: "exit-test-key", tenantId: "exit-test-tenant" });

interface LambdaRun {
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runLambda(variant: "wrapped" | "unwrapped", env: Record<string, string> = {}): Promise<LambdaRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "axonpush-otel/register", LAMBDA_FIXTURE, variant], {
      cwd: PACKAGE_ROOT,
      env: fixtureEnv(receiver.url, { AWS_LAMBDA_FUNCTION_NAME: "exit-fixture-fn", ...env }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (_code, signal) => {
      clearTimeout(guard);
      resolve({ signal, stdout, stderr });
    });
  });
}

const names = () => receiver.spans().map((span) => span.name).sort();

describe("flushAfterInvocation in a runtime that freezes when the handler returns", () => {
  it("the invocation's spans arrive before the freeze", async () => {
    const run = await runLambda("wrapped");
    expect(run.signal).toBe("SIGKILL");
    expect(run.stdout).toContain('RESULT {"statusCode":200}');
    expect(names()).toEqual(["lambda.db.query", "lambda.invocation"]);
  });

  it("also when the handler throws; the error reaches the runtime unchanged", async () => {
    const run = await runLambda("wrapped", { FIXTURE_FAIL: "1" });
    expect(run.stdout).toContain("ERROR invocation failed");
    expect(names()).toEqual(["lambda.db.query", "lambda.invocation"]);
    expect(receiver.spans().find((span) => span.name === "lambda.invocation")?.status).toBe("ERROR");
  });

  it("without the wrapper the spans are lost at the freeze (why the wrapper exists)", async () => {
    const run = await runLambda("unwrapped");
    expect(run.stdout).toContain('RESULT {"statusCode":200}');
    // Give any straggler time to land: nothing may arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(names()).toEqual([]);
  });
});

describe("start-up advice in a serverless runtime", () => {
  it("says once, with debug on, how to wrap an unwrapped handler", async () => {
    const run = await runLambda("unwrapped", { AXONPUSH_DEBUG: "true", FIXTURE_INIT_MS: "1500" });
    const advice = run.stderr.split("\n").filter((line) => line.includes("flushAfterInvocation("));
    expect(advice, run.stderr).toHaveLength(1);
    expect(advice[0]).toContain("AWS Lambda detected");
  });

  it("stays quiet when the handler is wrapped", async () => {
    const run = await runLambda("wrapped", { AXONPUSH_DEBUG: "true", FIXTURE_INIT_MS: "1500" });
    expect(run.stderr).not.toContain("flushAfterInvocation(");
    expect(names()).toEqual(["lambda.db.query", "lambda.invocation"]);
  });
});
