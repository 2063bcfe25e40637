// Public surface of `axonpush-otel`: a short list of named exports.
// Each area appends its own lines below.
export type { OutgoingRequest, SendResult, Transport } from "./transport/types.js";
export { startLocalReceiver, formatSpanLine, formatTraceTree } from "./receiver/index.js";
export type {
  AxonPushApiVersion,
  FailureRule,
  LocalReceiver,
  LocalReceiverOptions,
  ReceivedEvent,
  ReceivedLog,
  ReceivedSpan,
  Rejection,
} from "./receiver/index.js";
export { AxonPushClient } from "./client.js";
export type { AxonPushClientOptions } from "./client.js";
export { AxonPushSpanExporter, AxonPushBatchSpanProcessor } from "./exporter/index.js";
export type { AxonPushSpanExporterOptions } from "./exporter/index.js";
export { start } from "./start.js";
export type { AxonPushOtelHandle, StartOptions } from "./start.js";
export { flushAfterInvocation } from "./serverless.js";
export type { FlushAfterInvocationOptions } from "./serverless.js";
export { AxonPushLogRecordProcessor } from "./logs/log-record-processor.js";
