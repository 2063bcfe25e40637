/**
 * A process that dies of an uncaught exception or an unhandled rejection
 * leaves one FATAL log record (`exception.type`, `exception.message`,
 * `exception.stacktrace`, `crash.origin`), in the trace that was active when
 * it was thrown, handed to the sender at once so the exit drain that follows
 * delivers it with the spans.
 *
 * Only `uncaughtExceptionMonitor` is listened to: it changes nothing about
 * what the process does (with Node's default `--unhandled-rejections=throw`
 * an unhandled rejection arrives there too, origin `unhandledRejection`).
 * When the app handles these itself (an `uncaughtException` listener, a
 * capture callback), the process lives on and nothing is recorded: that is
 * the app's business, as it would be without us.
 */
import { logs, SeverityNumber } from "@opentelemetry/api-logs";
import { CRASH_ORIGIN_ATTRIBUTE, CRASH_SCOPE } from "../exporter/log-source.js";

type Origin = "uncaughtException" | "unhandledRejection";

/** Emits the crash record through the global LoggerProvider, then `handOver()`; returns the undoing. */
export function recordCrashes(handOver: () => void): () => void {
  const listener = (error: unknown, origin: Origin) => {
    if (!processWillDie()) return;
    try {
      logs.getLogger(CRASH_SCOPE).emit(crashRecord(error, origin));
      handOver();
    } catch {
      // Whatever happens here, the process dies exactly as it would have.
    }
  };
  process.on("uncaughtExceptionMonitor", listener);
  return () => process.removeListener("uncaughtExceptionMonitor", listener);
}

/** Node ends the process after the monitor unless something catches the exception. */
function processWillDie(): boolean {
  return process.listenerCount("uncaughtException") === 0 && !process.hasUncaughtExceptionCaptureCallback();
}

export function crashRecord(error: unknown, origin: Origin) {
  const { type, message, stack } = describe(error);
  const what = origin === "unhandledRejection" ? "Unhandled rejection" : "Uncaught exception";
  return {
    severityNumber: SeverityNumber.FATAL,
    severityText: "FATAL",
    body: `${what}: ${message ? `${type}: ${message}` : type}`,
    attributes: {
      "exception.type": type,
      "exception.message": message,
      ...(stack ? { "exception.stacktrace": stack } : {}),
      [CRASH_ORIGIN_ATTRIBUTE]: origin,
    },
  };
}

function describe(error: unknown): { type: string; message: string; stack?: string } {
  if (error instanceof Error) {
    return { type: error.name || error.constructor?.name || "Error", message: error.message, stack: error.stack };
  }
  // `throw "text"`, `Promise.reject(42)`, `Promise.reject()`: what was thrown, as Node prints it.
  try {
    return { type: error === null ? "null" : typeof error, message: String(error) };
  } catch {
    return { type: typeof error, message: "" };
  }
}
