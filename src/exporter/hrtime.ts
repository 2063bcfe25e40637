/**
 * OpenTelemetry keeps times as `[seconds, nanoseconds]`. Unix time in
 * nanoseconds is ~1.7e18, far above 2^53, so multiplying in floating point
 * would lose the last digits: the sum is done in BigInt and sent as a
 * decimal string, as the contract requires.
 *
 * Every time we send must be one the API takes: a non-negative integer of
 * nanoseconds, with the end not before the start. The events API refuses a
 * negative string; OTLP encodes times as unsigned fixed64, and
 * OpenTelemetry's protobuf writer turns a negative time into a made-up
 * positive one (the issue's -35.6 s became 1970-01-01T18:11:40Z).
 * A span's clock can break that. The SDK anchors a span at `Date.now()` and
 * measures its end and its events from there with the monotonic
 * `performance.now()`; when a test fakes `Date` at the epoch (sinon's
 * default, jest with `now: 0`), `Date.now()` is smaller than
 * `performance.now()` and the SDK takes it for a `performance.now()`
 * reading, so the span starts at `2 × Date.now() − performance.now()`: the
 * process's uptime before the epoch. Its duration and its events' offsets
 * are still right; only the anchor is off. `sendableSpanTimes` moves such a
 * span, whole, to start at the epoch (what the faked clock said), so its
 * duration and event offsets survive; a span past the largest time every
 * reader takes (signed 64-bit nanoseconds, the year 2262) is moved back the
 * same way. Then each time is clamped into range and the end is kept at or
 * after the start.
 */
import type { HrTime } from "@opentelemetry/api";

const NANOS_PER_SECOND = 1_000_000_000n;

/** The largest time sent: signed 64-bit nanoseconds, which every reader (OTLP's fixed64 included) takes. */
export const MAX_UNIX_NANOS = 2n ** 63n - 1n;

// Whole seconds up to this are in range whatever the nanoseconds (2^63 − 1 ns is 9,223,372,036.85 s).
const MAX_PLAIN_SECONDS = 9_223_372_035;

/** Nanoseconds of a time, or undefined when it is not a pair of finite numbers. */
export function hrTimeToNanos(time: HrTime | undefined): bigint | undefined {
  if (!Array.isArray(time)) return undefined;
  const [seconds, nanos] = time;
  if (!Number.isFinite(seconds) || !Number.isFinite(nanos)) return undefined;
  const wholeSeconds = Math.trunc(seconds);
  // Both parts are integers in practice; a fractional second is folded into the nanoseconds.
  const extraNanos = Math.round((seconds - wholeSeconds) * 1e9) + Math.round(nanos);
  return BigInt(wholeSeconds) * NANOS_PER_SECOND + BigInt(extraNanos);
}

export function hrTimeToNanosString(time: HrTime): string {
  return (hrTimeToNanos(time) ?? 0n).toString();
}

function nanosToHrTime(nanos: bigint): HrTime {
  return [Number(nanos / NANOS_PER_SECOND), Number(nanos % NANOS_PER_SECOND)];
}

/** Already what the API takes, as it is: the check every span pays, without BigInt. */
function isPlain(time: HrTime | undefined): time is HrTime {
  if (!Array.isArray(time)) return false;
  const [seconds, nanos] = time;
  return (
    Number.isInteger(seconds) &&
    Number.isInteger(nanos) &&
    seconds >= 0 &&
    seconds <= MAX_PLAIN_SECONDS &&
    nanos >= 0 &&
    nanos < 1e9
  );
}

const notBefore = (end: HrTime, start: HrTime) => end[0] > start[0] || (end[0] === start[0] && end[1] >= start[1]);

export interface SpanTimes {
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  /** One per span event, in the span's order. */
  readonly eventTimes: readonly HrTime[];
}

export interface TimedSpan {
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly events: readonly { readonly time: HrTime }[];
}

/**
 * The span's times as the API takes them, or undefined when its own already
 * are (the common case: nothing is computed or allocated then).
 */
export function sendableSpanTimes(span: TimedSpan): SpanTimes | undefined {
  const { startTime, endTime, events } = span;
  if (isPlain(startTime) && isPlain(endTime) && notBefore(endTime, startTime) && events.every((e) => isPlain(e.time))) {
    return undefined;
  }
  const start = hrTimeToNanos(startTime) ?? hrTimeToNanos(endTime) ?? 0n;
  const end = hrTimeToNanos(endTime) ?? start;
  // The whole span moves, so its duration and its events' offsets are kept.
  const shift = start < 0n ? -start : end > MAX_UNIX_NANOS ? MAX_UNIX_NANOS - end : 0n;
  const place = (nanos: bigint) => {
    const moved = nanos + shift;
    return moved < 0n ? 0n : moved > MAX_UNIX_NANOS ? MAX_UNIX_NANOS : moved;
  };
  const sentStart = place(start);
  const sentEnd = place(end);
  return {
    startTime: nanosToHrTime(sentStart),
    endTime: nanosToHrTime(sentEnd < sentStart ? sentStart : sentEnd),
    eventTimes: events.map((event) => nanosToHrTime(place(hrTimeToNanos(event.time) ?? start))),
  };
}
