/**
 * dist/sender.cjs: everything that turns records into requests and sends
 * them, in one file of its own, so the preload bundle never loads it.
 * Started as the sender thread (sender-thread.ts), it runs the channel's
 * loop; required on the app's thread (sender-module.ts), where no thread
 * could be started, it hands out the same Lane to run there, and to
 * `axonpush-otel check` the pieces it sends its one span with.
 */
import { isMainThread, workerData, type MessagePort } from "node:worker_threads";
import { runSenderLoop } from "./worker-loop.js";

export { Lane } from "./lane.js";
// For `axonpush-otel check` (src/check/send-test-span.ts).
export { AxonPushClient } from "../client.js";
export { partialRejection } from "../exporter/otlp-response.js";
export { createEventTransport } from "../transport/create-transport.js";
export { otlpEncodingsOf } from "../transport/otlp-encodings.js";
export { OtlpJsonFallbackTransport } from "../transport/otlp-json-fallback.js";
export { refusalsOf } from "../transport/refused-properties.js";
export { RefusedPropertyTransport } from "../transport/refused-property-transport.js";
export { prepareRequests } from "./request-maker.js";

interface OurWorkerData {
  axonpushSender?: true;
  exitSignal: SharedArrayBuffer;
  port: MessagePort;
}

const data = workerData as OurWorkerData | undefined;
if (!isMainThread && data?.axonpushSender === true) runSenderLoop(data.port, data.exitSignal);
