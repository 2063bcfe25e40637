/**
 * The one start-up line printed with AXONPUSH_DEBUG=true (or OTEL_LOG_LEVEL
 * debug/info). Built from an allow-list: a field not listed here is never
 * printed, and secrets are always shown as [REDACTED], so adding a config
 * field can never leak it by accident.
 */
import type { AxonPushOtelConfig } from "../config/types.js";
import type { EsmHookKind } from "./esm-hook.js";

const REDACTED = "[REDACTED]";

const SHOWN: readonly (keyof AxonPushOtelConfig)[] = [
  "serviceName",
  "serviceVersion",
  "environment",
  "channelId",
  "baseUrl",
  "mode",
  "transport",
  "extraTraceExporters",
  "resourceDetectors",
];
const SECRET: readonly (keyof AxonPushOtelConfig)[] = ["apiKey", "tenantId"];
/** Optional destination values: said to be unset rather than left out, so a reader sees what was used. */
const NOT_SET: Partial<Record<keyof AxonPushOtelConfig, string>> = {
  apiKey: "(missing)",
  tenantId: "(not set)",
  channelId: "(not set: the key's default channel)",
};

/**
 * `esmHooks` says how ES modules are instrumented: "in-thread"
 * (module.registerHooks), "loader-thread" (module.register) or "none"
 * (a CommonJS entry, or --require alone).
 */
export function formatStartupLine(
  config: AxonPushOtelConfig,
  packageVersion: string,
  instrumentations: readonly string[],
  esmHooks?: EsmHookKind | "none",
  notNeeded?: Readonly<Record<string, string>>,
): string {
  const fields: Record<string, unknown> = { version: packageVersion };
  for (const key of SHOWN) {
    const value = config[key];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) fields[key] = value;
    else if (NOT_SET[key]) fields[key] = NOT_SET[key];
  }
  for (const key of SECRET) fields[key] = config[key] ? REDACTED : NOT_SET[key];
  // Whether log records go to AxonPush, console capture, their budget, exporters beside it.
  const { toAxonPush, captureConsole, queueSize, extraExporters } = config.logs;
  fields.logs = { toAxonPush, captureConsole, queueSize, ...(extraExporters.length > 0 ? { extraExporters } : {}) };
  fields.instrumentations = instrumentations;
  // Enabled, but left out because they could do nothing here (src/preload/not-needed.ts), each with why.
  if (notNeeded && Object.keys(notNeeded).length > 0) fields.notNeeded = notNeeded;
  if (esmHooks !== undefined) fields.esmHooks = esmHooks;
  return `started ${JSON.stringify(fields)}`;
}
