/**
 * Who wrote a log record, read from the OpenTelemetry logger (the
 * instrumentation scope) that emitted it: the `metadata.framework` and the
 * fallback `identifier` of its `app.log` event, the names AxonPush's own
 * SDKs give their integrations.
 */
import type { LogFramework } from "./log-event-types.js";

/** The scope our console capture emits under (src/logs/console-capture.ts). */
export const CONSOLE_SCOPE = "axonpush-otel/console";
/** The scope of the record a crash becomes (src/logs/crash-record.ts). */
export const CRASH_SCOPE = "axonpush-otel/crash";
/** Its attribute saying how the process died: `uncaughtException` or `unhandledRejection` (Node's own words). */
export const CRASH_ORIGIN_ATTRIBUTE = "crash.origin";

const FRAMEWORK_OF_SCOPE: Readonly<Record<string, LogFramework>> = {
  "@opentelemetry/instrumentation-pino": "pino",
  "@opentelemetry/instrumentation-bunyan": "bunyan",
  "@opentelemetry/winston-transport": "winston",
  [CONSOLE_SCOPE]: "console",
  [CRASH_SCOPE]: "node",
};

export function frameworkOf(scopeName: string): LogFramework {
  return FRAMEWORK_OF_SCOPE[scopeName] ?? "opentelemetry";
}

/**
 * The logger's name where it has one: pino's and bunyan's `name` field (an
 * attribute of the record), a crash's origin; else the library's name; for
 * a record of any other OpenTelemetry logger, that logger's name.
 */
export function identifierOf(scopeName: string, attributes: Readonly<Record<string, unknown>>): string {
  const framework = frameworkOf(scopeName);
  const named = attributes.name;
  if ((framework === "pino" || framework === "bunyan") && typeof named === "string" && named !== "") return named;
  if (framework === "node") return typeof attributes[CRASH_ORIGIN_ATTRIBUTE] === "string" ? (attributes[CRASH_ORIGIN_ATTRIBUTE] as string) : "process";
  if (framework === "opentelemetry") return scopeName || "opentelemetry";
  return framework;
}
