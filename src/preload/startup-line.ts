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
): string {
  const fields: Record<string, unknown> = { version: packageVersion };
  for (const key of SHOWN) {
    const value = config[key];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) fields[key] = value;
  }
  for (const key of SECRET) fields[key] = config[key] ? REDACTED : "(missing)";
  fields.instrumentations = instrumentations;
  if (esmHooks !== undefined) fields.esmHooks = esmHooks;
  return `started ${JSON.stringify(fields)}`;
}
