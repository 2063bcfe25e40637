/**
 * What feeds AxonPush's log record processor besides the log libraries'
 * instrumentations: the crash record, always, and the console, on request
 * (AXONPUSH_CAPTURE_CONSOLE). Both stop when the processor shuts down.
 */
import { captureConsole } from "./console-capture.js";
import { recordCrashes } from "./crash-record.js";
import type { AxonPushLogRecordProcessor } from "./log-record-processor.js";

export interface LogCaptureOptions {
  readonly captureConsole: boolean;
}

export function startLogCapture(processor: AxonPushLogRecordProcessor, options: LogCaptureOptions): void {
  processor.stopOnShutdown(recordCrashes(() => processor.handOverNow()));
  if (options.captureConsole) processor.stopOnShutdown(captureConsole());
}
