/**
 * AWS Lambda with zero code: the preload's aws-lambda instrumentation wraps the handler and, before each invocation's
 * result goes back to the runtime, flushes the spans to AxonPush. fixtures/lambda-runtime/runtime.mjs loads a handler
 * as Lambda's runtime does and stops the whole process (SIGSTOP) the moment an invocation's promise settles, as
 * Lambda freezes the sandbox: whatever is not at the receiver then would wait for the next thaw, or be lost with
 * the sandbox. The batch processor's delay is a minute, so only that flush can have delivered. The handler's log
 * record travels with the spans, and reaches an OTLP collector that OTEL_LOGS_EXPORTER adds as well.
 */
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { axonpushEnv, killAllFixtures, runFixture, REPO_ROOT, type FixtureRun } from "./helpers/fixture-process.js";
import { useOtlpCollector } from "./helpers/otlp-collector.js";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";

const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT });
afterEach(killAllFixtures);

/** Where OTEL_LOGS_EXPORTER=otlp sends the log records beside AxonPush. */
const collector = useOtlpCollector();

async function frozen(run: FixtureRun, invocation: number): Promise<void> {
  await expect.poll(() => run.stdout().includes(`INVOKED ${invocation} `), { timeout: 20_000 }).toBe(true);
  const state = () => fs.readFileSync(`/proc/${run.child.pid}/stat`, "utf8").split(") ")[1]!.split(" ")[0];
  await expect.poll(state, { timeout: 5_000 }).toBe("T");
}

function lambdaEnv(handler: string, executionEnv: string, memoryMb: string): Record<string, string> {
  return axonpushEnv(receiver.url, {
    LAMBDA_TASK_ROOT: `${REPO_ROOT}/fixtures/lambda-runtime/task`,
    _HANDLER: handler,
    AWS_LAMBDA_FUNCTION_NAME: "orders-fn",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memoryMb,
    AWS_LAMBDA_FUNCTION_VERSION: "7",
    AWS_REGION: "eu-west-1",
    AWS_EXECUTION_ENV: executionEnv,
    OTEL_BSP_SCHEDULE_DELAY: "60000",
    AXONPUSH_DEBUG: "true",
    // Unset (empty is unset): our default detectors, all local, plus in Lambda the aws-lambda one, which reads variables only.
    OTEL_NODE_RESOURCE_DETECTORS: "",
    // The log records to a collector too, held by a batch processor for a minute: only the invocation's flush sends them.
    OTEL_LOGS_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "http/json",
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${collector.url}/v1/logs`,
    OTEL_BLRP_SCHEDULE_DELAY: "60000",
  });
}

const NO_THREAD = /no sender thread \(the Lambda function's memory \(AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128\) leaves [\d,]+ MiB above the [\d,]+ MiB the process uses, and a thread is started with 256 MiB of room\); sending on the app's thread/;

describe.each([
  { module: "an ES module handler", handler: "orders.handler", executionEnv: "AWS_Lambda_nodejs24.x", memoryMb: "1024", sender: "the sender thread" },
  { module: "a CommonJS handler", handler: "orders-cjs.handler", executionEnv: "AWS_Lambda_nodejs22.x", memoryMb: "1024", sender: "the sender thread" },
  // A 128 MB function (Lambda's default) has no room for a second isolate: the spans go from the app's thread.
  { module: "an ES module handler in a 128 MB function", handler: "orders.handler", executionEnv: "AWS_Lambda_nodejs24.x", memoryMb: "128", sender: "the app's thread" },
])("AWS Lambda, $module", ({ handler, executionEnv, memoryMb, sender }) => {
  it(`every invocation's spans are at the receiver when the sandbox freezes, sent by ${sender}`, async () => {
    const run = await runFixture({ script: "fixtures/lambda-runtime/runtime.mjs", nodeArgs: ["--import", "axonpush-otel/register"], env: lambdaEnv(handler, executionEnv, memoryMb), waitForReady: false });
    for (const invocation of [1, 2]) {
      await frozen(run, invocation);
      const spans = receiver.spans();
      expect(spans.map((span) => span.name).sort(), run.stderr()).toEqual(Array.from({ length: invocation }, () => ["load order", "orders-fn"]).flat().sort());
      const invocationSpans = spans.filter((span) => span.name === "orders-fn");
      for (const span of invocationSpans) {
        expect(span.kind).toBe("SERVER");
        // Named after the function (no service name set), described by the aws-lambda detector (reads variables only).
        expect(span.resource).toMatchObject({
          "service.name": "orders-fn",
          "cloud.provider": "aws",
          "cloud.platform": "aws_lambda",
          "cloud.region": "eu-west-1",
          "faas.name": "orders-fn",
          "faas.version": "7",
          "faas.max_memory": String(Number(memoryMb) * 1024 * 1024),
        });
        expect(spans.some((child) => child.name === "load order" && child.parentSpanId === span.spanId && child.traceId === span.traceId)).toBe(true);
      }
      // The handler's log record (an app.log event, through the same sender) is there too, in the invocation's trace.
      const logs = receiver.logs();
      expect(logs.map((log) => log.body).sort()).toEqual(Array.from({ length: invocation }, (_, i) => `order ${i + 1} loaded`));
      for (const log of logs) expect(invocationSpans.map((span) => span.traceId)).toContain(log.traceId);
      // And at the OTLP collector (the instrumentation itself flushes no LoggerProvider: we give it one that does).
      for (let n = 1; n <= invocation; n++) expect(collector.bodies("/v1/logs").some((body) => body.includes(`order ${n} loaded`)), `order ${n} at the collector`).toBe(true);
      run.child.kill("SIGCONT");
    }
    expect(await run.exited).toEqual({ code: 0, signal: null });
    if (memoryMb === "128") expect(run.stderr()).toMatch(NO_THREAD);
    else expect(run.stderr()).not.toContain("no sender thread");
    expect(run.stdout()).toContain(`INVOKED 2 {"statusCode":200,"orderId":2}`);
  });
});
