/**
 * AXONPUSH_CAPTURE_CONSOLE=true: `console.log`, `info`, `warn`, `error` and
 * `debug` also become log records (severity from the method, the message as
 * `util.format` writes it), emitted in the context of the call, so a line
 * printed inside a request sits in that request's trace. The app's output
 * is exactly what it was: the original method runs first, with the same
 * arguments, and what it returns or throws is the caller's.
 *
 * Never a record about our own lines (no log about a log): not while a
 * record is being emitted (a diag logger writing to the console from inside
 * the SDK), not for our diagnostics through a console diag logger (their
 * first argument is our component's name), not for our own process warnings,
 * which Node prints through `console.error`.
 */
import { format } from "node:util";
import { logs, SeverityNumber, type Logger } from "@opentelemetry/api-logs";
import { CONSOLE_SCOPE } from "../exporter/log-source.js";

const COMPONENT = "axonpush-otel";
const OUR_WARNING = " AxonPushWarning: ";

const METHODS = {
  log: [SeverityNumber.INFO, "info"],
  info: [SeverityNumber.INFO, "info"],
  warn: [SeverityNumber.WARN, "warn"],
  error: [SeverityNumber.ERROR, "error"],
  debug: [SeverityNumber.DEBUG, "debug"],
} as const satisfies Record<string, readonly [SeverityNumber, string]>;

type Method = keyof typeof METHODS;

/** Wraps the five methods of `target` (default the global console); returns the undoing. */
export function captureConsole(target: Console = console): () => void {
  let recording = false;
  let otelLogger: Logger | undefined;
  const record = (method: Method, args: unknown[]): void => {
    if (recording || isOurOwnLine(args)) return;
    recording = true;
    try {
      const [severityNumber, severityText] = METHODS[method];
      otelLogger ??= logs.getLogger(CONSOLE_SCOPE);
      otelLogger.emit({ severityNumber, severityText, body: format(...args) });
    } catch {
      // A record that cannot be made must not change what the app's console call does.
    } finally {
      recording = false;
    }
  };

  const undo: (() => void)[] = [];
  for (const method of Object.keys(METHODS) as Method[]) {
    const original = target[method];
    if (typeof original !== "function") continue;
    const wrapped = function (this: unknown, ...args: unknown[]) {
      const result = original.apply(this, args);
      record(method, args);
      return result;
    };
    target[method] = wrapped;
    // Someone who wrapped it after us keeps theirs.
    undo.push(() => {
      if (target[method] === wrapped) target[method] = original;
    });
  }
  return () => {
    for (const restore of undo.splice(0)) restore();
  };
}

function isOurOwnLine(args: unknown[]): boolean {
  const first = args[0];
  if (first === COMPONENT) return true;
  return typeof first === "string" && first.startsWith("(node:") && first.includes(OUR_WARNING);
}
