/**
 * OpenTelemetry keeps times as `[seconds, nanoseconds]`. Unix time in
 * nanoseconds is ~1.7e18, far above 2^53, so multiplying in floating point
 * would lose the last digits: the sum is done in BigInt and sent as a
 * decimal string, as the contract requires.
 */
import type { HrTime } from "@opentelemetry/api";

const NANOS_PER_SECOND = 1_000_000_000n;

export function hrTimeToNanosString(time: HrTime): string {
  const [seconds, nanos] = time;
  const wholeSeconds = Math.trunc(seconds);
  // Both parts are integers in practice; a fractional second is folded into the nanoseconds.
  const extraNanos = Math.round((seconds - wholeSeconds) * 1e9) + Math.round(nanos);
  return (BigInt(wholeSeconds) * NANOS_PER_SECOND + BigInt(extraNanos)).toString();
}
