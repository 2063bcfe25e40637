/**
 * What OpenTelemetry's OTLP serializer takes from @opentelemetry/core, for
 * the sender bundle only (tsup.config.ts redirects that one import here):
 * `hrTimeToNanoseconds`, used where BigInt is missing, which never happens on
 * Node. @opentelemetry/core itself would bring the semantic conventions,
 * nearly half the sender bundle and its start-up time.
 */
import type { HrTime } from "@opentelemetry/api";

export function hrTimeToNanoseconds(time: HrTime): number {
  return time[0] * 1e9 + time[1];
}
