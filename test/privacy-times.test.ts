// Odd clocks: every time we send is one the API takes (a non-negative
// integer of nanoseconds below 2^63, the end not before the start), whatever
// the span's clock did, on both transports; no span is lost for its times.
import type { HrTime } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { AxonPushClient } from "../src/client.js";
import { MAX_UNIX_NANOS, sendableSpanTimes } from "../src/exporter/hrtime.js";
import { preparer } from "./helpers/prepare.js";
import { otlpRequest, type OtlpEncoding } from "../src/exporter/otlp-request.js";
import { createOtlpSpanViewer } from "../src/exporter/otlp-span-view.js";
import { createPrivacy } from "../src/exporter/privacy.js";
import { createResourceMapper } from "../src/exporter/resource.js";
import { loadOtlpTraceTypes, type OtlpTraceTypes } from "../src/receiver/otlp-schema.js";
import { validateSpanEvent } from "../src/receiver/validate-span-payload.js";
import { makeSpan } from "./mapping-fixture.js";

const client = new AxonPushClient({ apiKey: "ak_test_secret", tenantId: "tenant_1", baseUrl: "http://127.0.0.1:9" });
const nanos = (time: HrTime) => BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);

/** As the SDK records a span started while Date was faked at the epoch, 35.6 s after the process began (the span). */
const fakedAtEpoch = () =>
  makeSpan({
    startTime: [-35, -607_178_467],
    endTime: [-35, -605_000_000],
    events: [{ name: "tick", time: [-35, -606_000_000] }],
  });

interface OddClock {
  readonly span: Partial<ReadableSpan>;
  /** What is sent: start, end, then each event's time. */
  readonly sent: readonly string[];
}

const MAX = MAX_UNIX_NANOS.toString();

/** Each case: a span's times as a broken clock can leave them, and the times that are sent for it. */
const ODD_CLOCKS: Record<string, OddClock> = {
  "Date faked at the epoch (negative, unnormalised nanoseconds)": { span: fakedAtEpoch(), sent: ["0", "2178467", "1178467"] },
  "negative whole seconds": { span: { startTime: [-5, 0], endTime: [-4, 0] }, sent: ["0", "1000000000"] },
  "end before start": { span: { startTime: [1_700_000_010, 0], endTime: [1_700_000_000, 0] }, sent: ["1700000010000000000", "1700000010000000000"] },
  "event before the epoch on a sane span": {
    span: { events: [{ name: "early", time: [-1, 0] }] },
    sent: ["1700000000123456789", "1700000001987654321", "0"],
  },
  "not a number": {
    span: { startTime: [Number.NaN, 0], endTime: [Number.POSITIVE_INFINITY, 0], events: [{ name: "x", time: [Number.NaN, Number.NaN] }] },
    sent: ["0", "0", "0"],
  },
  "Date faked far in the future (year 9999)": {
    span: { startTime: [253_402_300_799, 0], endTime: [253_402_300_800, 0] },
    sent: [(MAX_UNIX_NANOS - 1_000_000_000n).toString(), MAX],
  },
  "fractional seconds, nanoseconds past a second": {
    span: { startTime: [1_700_000_000.5, 0], endTime: [1_700_000_000, 1_600_000_000] },
    sent: ["1700000000500000000", "1700000001600000000"],
  },
};

describe("sendableSpanTimes", () => {
  it("leaves a span whose times are already sendable alone (nothing computed)", () => {
    expect(sendableSpanTimes(makeSpan())).toBeUndefined();
    expect(sendableSpanTimes(makeSpan({ startTime: [0, 0], endTime: [0, 0] }))).toBeUndefined();
  });

  it("moves a span started under a Date faked at the epoch, whole, to the epoch: duration and event offsets kept", () => {
    const times = sendableSpanTimes(fakedAtEpoch())!;
    expect(times.startTime).toEqual([0, 0]);
    expect(times.endTime).toEqual([0, 2_178_467]);
    expect(times.eventTimes).toEqual([[0, 1_178_467]]);
  });

  it("keeps the end at or after the start and clamps a lone early event to the epoch", () => {
    expect(sendableSpanTimes(makeSpan(ODD_CLOCKS["end before start"]!.span))!.endTime).toEqual([1_700_000_010, 0]);
    const early = sendableSpanTimes(makeSpan(ODD_CLOCKS["event before the epoch on a sane span"]!.span))!;
    expect(early.startTime).toEqual(makeSpan().startTime);
    expect(early.eventTimes).toEqual([[0, 0]]);
  });

  it("moves a span past 2^63 nanoseconds back, whole, so it ends at the largest time sent", () => {
    const times = sendableSpanTimes(makeSpan(ODD_CLOCKS["Date faked far in the future (year 9999)"]!.span))!;
    expect(nanos(times.endTime)).toBe(MAX_UNIX_NANOS);
    expect(nanos(times.endTime) - nanos(times.startTime)).toBe(1_000_000_000n);
  });

  it("falls back to the other end (or the epoch) for a time that is not a number", () => {
    const times = sendableSpanTimes(makeSpan(ODD_CLOCKS["not a number"]!.span))!;
    expect(times).toEqual({ startTime: [0, 0], endTime: [0, 0], eventTimes: [[0, 0]] });
    const onlyStart = sendableSpanTimes(makeSpan({ endTime: [Number.NaN, 0] }))!;
    expect(onlyStart.endTime).toEqual(makeSpan().startTime);
  });

  it("normalises fractional seconds and nanoseconds past a second", () => {
    const times = sendableSpanTimes(makeSpan(ODD_CLOCKS["fractional seconds, nanoseconds past a second"]!.span))!;
    expect(times.startTime).toEqual([1_700_000_000, 500_000_000]);
    expect(times.endTime).toEqual([1_700_000_001, 600_000_000]);
  });
});

/** The span the SDK itself makes while Date.now() says 0, as sinon's and jest's fake timers make it say. */
function spanStartedUnderFakedDate(): ReadableSpan {
  const tracer = new BasicTracerProvider().getTracer("odd-clock");
  const realNow = Date.now;
  Date.now = () => 0;
  let span;
  try {
    span = tracer.startSpan("under-a-faked-date");
  } finally {
    Date.now = realNow;
  }
  span.addEvent("tick");
  span.end();
  return span as unknown as ReadableSpan;
}

describe("the SDK's clock under a Date faked at the epoch", () => {
  afterEach(() => {
    expect(Date.now()).toBeGreaterThan(1e12);
  });

  it("under the fake-timers library itself (vi.useFakeTimers is @sinonjs/fake-timers) at the epoch, starts before 1970", () => {
    const tracer = new BasicTracerProvider().getTracer("odd-clock");
    vi.useFakeTimers({ now: 0 });
    let span;
    try {
      span = tracer.startSpan("under-fake-timers");
      vi.advanceTimersByTime(5);
      span.end();
    } finally {
      vi.useRealTimers();
    }
    const readable = span as unknown as ReadableSpan;
    expect(nanos(readable.startTime)).toBeLessThan(0n);
    const exporter = preparer({ client, channelId: "ch_1" });
    const event = JSON.parse(exporter.prepare([readable])[0]!.body as string);
    expect(validateSpanEvent(event)).toBeUndefined();
    expect(event.payload.startTimeUnixNano).toBe("0");
  });

  it("really gives a negative start: minus the time since the process began (so the cases above are real)", () => {
    const before = performance.now();
    const span = spanStartedUnderFakedDate();
    const startMs = Number(nanos(span.startTime)) / 1e6;
    expect(startMs).toBeLessThan(0);
    expect(-startMs).toBeGreaterThanOrEqual(before - 1);
    expect(-startMs).toBeLessThanOrEqual(performance.now() + 1);
  });
});

describe("the events transport sends only times the API takes", () => {
  const send = (span: ReadableSpan) => {
    const exporter = preparer({ client, channelId: "ch_1" });
    return JSON.parse(exporter.prepare([span])[0]!.body as string);
  };

  it.each(Object.entries(ODD_CLOCKS))("%s", (_name, { span, sent }) => {
    const event = send(makeSpan(span));
    // The strict receiver's own check (non-negative decimal strings, end not before start).
    expect(validateSpanEvent(event)).toBeUndefined();
    expect([event.payload.startTimeUnixNano, event.payload.endTimeUnixNano, ...event.payload.events.map((e: any) => e.timeUnixNano)]).toEqual(sent);
  });

  it("a span the SDK started under a faked Date", () => {
    const event = send(spanStartedUnderFakedDate());
    expect(validateSpanEvent(event)).toBeUndefined();
    expect(event.payload.startTimeUnixNano).toBe("0");
    // Its measured duration is kept: well under a second here.
    expect(BigInt(event.payload.endTimeUnixNano)).toBeLessThan(1_000_000_000n);
  });
});

describe("the otlp transport sends only times the API takes (fixed64: no wrap-around)", () => {
  let types: OtlpTraceTypes;
  beforeAll(async () => {
    types = (await loadOtlpTraceTypes())!;
  });

  const send = (span: ReadableSpan, encoding: OtlpEncoding): any => {
    const privacy = createPrivacy();
    const viewSpans = createOtlpSpanViewer(privacy, createResourceMapper({}, privacy));
    const body = otlpRequest([span], { channelId: "ch_1", viewSpans, encoding })!.body as Uint8Array;
    const request: any =
      encoding === "json"
        ? JSON.parse(Buffer.from(body).toString("utf8"))
        : types.request.toObject(types.request.decode(body), { longs: String, defaults: true });
    return request.resourceSpans[0].scopeSpans[0].spans[0];
  };

  /** Start, end, then each event's time, as decimal strings (fixed64 is read unsigned). */
  const timesOf = (sent: any): string[] =>
    [sent.startTimeUnixNano, sent.endTimeUnixNano, ...sent.events.map((e: any) => e.timeUnixNano)].map(String);

  const expectSendable = (sent: any) => {
    const times = timesOf(sent);
    for (const time of times) {
      expect(time).toMatch(/^(0|[1-9][0-9]*)$/);
      expect(BigInt(time)).toBeLessThanOrEqual(MAX_UNIX_NANOS);
    }
    expect(BigInt(times[1]!)).toBeGreaterThanOrEqual(BigInt(times[0]!));
  };

  for (const encoding of ["protobuf", "json"] as const) {
    it.each(Object.entries(ODD_CLOCKS))(`${encoding}: %s`, (_name, { span, sent }) => {
      const encoded = send(makeSpan(span), encoding);
      expectSendable(encoded);
      expect(timesOf(encoded)).toEqual(sent);
    });

    it(`${encoding}: a span the SDK started under a faked Date, whose own times stay as they were`, () => {
      const span = spanStartedUnderFakedDate();
      const own = [...span.startTime];
      const sent = send(span, encoding);
      expectSendable(sent);
      expect(String(sent.startTimeUnixNano)).toBe("0");
      expect(span.startTime).toEqual(own);
    });
  }
});
