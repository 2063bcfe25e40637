/**
 * One diagnostic channel for the whole package, under the `axonpush-otel`
 * component namespace, so users filter our lines the way they filter every
 * other OpenTelemetry component's.
 *
 * `diag` is silent until an application registers a logger, and most never
 * do. The few problems a user must act on (a rejected API key, spans being
 * dropped) would then vanish, so `warnUser` also raises a Node process
 * warning: printed once on stderr by default, observable with
 * `process.on("warning")`, and silenced by the usual `--no-warnings`.
 */
import { diag } from "@opentelemetry/api";

export const logger = diag.createComponentLogger({ namespace: "axonpush-otel" });

/** Code attached to every process warning we raise, for filtering. */
export const WARNING_CODE = "AXONPUSH_OTEL";

export function warnUser(message: string): void {
  logger.warn(message);
  try {
    process.emitWarning(message, { type: "AxonPushWarning", code: WARNING_CODE });
  } catch {
    // A host that replaced process.emitWarning with something that throws must not break export.
  }
}
