// Log records through the real sender thread to the local receiver: a body
// postMessage cannot clone (a function inside it) is sent again as plain
// data instead of being lost or sending the lane to the app's thread; and
// forceFlush of the processor waits for delivery.
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import { afterEach, beforeEach, expect, it } from "vitest";
import { AxonPushClient } from "../src/client.js";
import { AxonPushSpanExporter } from "../src/exporter/index.js";
import { AxonPushLogRecordProcessor } from "../src/logs/log-record-processor.js";
import { startLocalReceiver, type LocalReceiver } from "../src/receiver/index.js";

let receiver: LocalReceiver;
let shutdowns: (() => Promise<void>)[] = [];
beforeEach(async () => {
  receiver = await startLocalReceiver({ apiKey: "ak_logs_thread" });
});
afterEach(async () => {
  for (const shutdown of shutdowns.splice(0)) await shutdown();
  await receiver.close();
});

function setUp() {
  const exporter = new AxonPushSpanExporter({ client: new AxonPushClient({ apiKey: "ak_logs_thread", baseUrl: receiver.url }) });
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ "service.name": "thread-test" }),
    processors: [new AxonPushLogRecordProcessor(exporter)],
  });
  shutdowns.push(async () => {
    await provider.shutdown();
    await exporter.shutdown();
  });
  return { exporter, provider, logger: provider.getLogger("app-logger") };
}

it("sends a record whose body holds a function as plain data, on the sender thread", async () => {
  const { exporter, provider, logger } = setUp();
  logger.emit({ severityNumber: 9, body: { order: 7, total: 12.5, toString: () => "order 7" } as never });
  logger.emit({ severityNumber: 13, body: "plain one" });
  await provider.forceFlush();
  expect(exporter.sendingFrom).toBe("thread");
  const logs = receiver.logs();
  expect(logs.map((log) => log.body).sort()).toEqual(["plain one", '{"order":7,"total":12.5}']);
  expect(logs.every((log) => log.identifier === "app-logger" && log.framework === "opentelemetry")).toBe(true);
  expect(receiver.rejections).toEqual([]);
});
