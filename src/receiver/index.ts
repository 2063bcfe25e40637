export { startLocalReceiver } from "./server.js";
export { formatLogLine, formatSpanLine, formatTraceTree } from "./format.js";
export type {
  AxonPushApiVersion,
  FailureRule,
  LocalReceiver,
  LocalReceiverOptions,
  OtlpIngestMode,
  ReceivedEvent,
  ReceivedLog,
  ReceivedSpan,
  Rejection,
} from "./types.js";
