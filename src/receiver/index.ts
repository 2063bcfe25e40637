export { startLocalReceiver } from "./server.js";
export { formatSpanLine, formatTraceTree } from "./format.js";
export type {
  AxonPushApiVersion,
  FailureRule,
  LocalReceiver,
  LocalReceiverOptions,
  OtlpIngestMode,
  ReceivedEvent,
  ReceivedSpan,
  Rejection,
} from "./types.js";
