/**
 * One log record → one `app.log` event, as AxonPush's own SDKs build it
 * (log-event-types.ts), placed in the trace of the span that was active when
 * it was written: that span's trace id, the span as `parentSpanId`, and a
 * span id of the record's own, so AxonPush's trace view shows it inside the
 * span. A record written outside any span gets a trace of its own.
 *
 * Runs on the sender, once per record: the ids and the body are fixed here,
 * so every try of the request (and the exit-time resend) carries the same
 * `dedupKey` and is stored once.
 */
import type { HrTime } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import { LOG, type LogRecordRecord } from "../sender/log-records.js";
import { PARENT_EVENT_ID_METADATA } from "./event-types.js";
import { flatJoin } from "./flat-string.js";
import { hrTimeToNanosString, sendableSpanTimes } from "./hrtime.js";
import type { AppLogEvent } from "./log-event-types.js";
import { logAttributesAsStrings, logBodyAsText } from "./log-privacy.js";
import { frameworkOf, identifierOf } from "./log-source.js";
import type { Privacy } from "./privacy.js";
import { randomSpanId, randomTraceId } from "./random-ids.js";
import type { ResourceMapper } from "./resource.js";

export interface LogMapping {
  readonly channelId?: string;
  readonly sync: boolean;
  readonly privacy: Privacy;
  readonly mapResource: ResourceMapper;
}

/** OpenTelemetry's severity ranges (1–4 TRACE … 21–24 FATAL), for a record that names none. */
const SEVERITY_NAMES = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

export function severityNameOf(severityNumber: number | undefined): string {
  if (severityNumber === undefined || !(severityNumber >= 1 && severityNumber <= 24)) return "";
  return SEVERITY_NAMES[Math.floor((severityNumber - 1) / 4)]!;
}

/** Whole seconds up to this are in range whatever the nanoseconds (hrtime.ts: signed 64-bit nanoseconds). */
const MAX_PLAIN_SECONDS = 9_223_372_035;
const NO_EVENTS: readonly { time: HrTime }[] = [];

/** A record is a moment: a span of no length, made sendable the same way (hrtime.ts); as it is when it already is. */
export function sendableLogTime(time: HrTime): HrTime {
  const [seconds, nanos] = time;
  if (Number.isInteger(seconds) && Number.isInteger(nanos) && seconds >= 0 && seconds <= MAX_PLAIN_SECONDS && nanos >= 0 && nanos < 1e9) return time;
  return sendableSpanTimes({ startTime: time, endTime: time, events: NO_EVENTS })?.startTime ?? time;
}

export function mapLogRecord(record: LogRecordRecord, resource: Resource | undefined, mapping: LogMapping): AppLogEvent {
  const { privacy } = mapping;
  const severityNumber = Number.isInteger(record[LOG.severityNumber]) ? record[LOG.severityNumber]! : 0;
  const recordAttributes = record[LOG.attributes] ?? {};
  const attributes = logAttributesAsStrings(recordAttributes, privacy);
  const eventName = record[LOG.eventName];
  if (eventName) attributes["event.name"] = eventName;
  const parentSpanId = record[LOG.spanId];
  const traceId = record[LOG.traceId] ?? randomTraceId();
  const spanId = randomSpanId();
  const scopeName = record[LOG.scope].name;
  const event: AppLogEvent = {
    identifier: identifierOf(scopeName, recordAttributes),
    payload: {
      severityNumber,
      severityText: record[LOG.severityText] || severityNameOf(severityNumber),
      body: logBodyAsText(record[LOG.body], privacy),
      timeUnixNano: hrTimeToNanosString(sendableLogTime([record[LOG.seconds], record[LOG.nanos]])),
      attributes,
      resource: mapping.mapResource(resource),
    },
    eventType: "app.log",
    traceId,
    spanId,
    metadata: parentSpanId
      ? { framework: frameworkOf(scopeName), [PARENT_EVENT_ID_METADATA]: parentSpanId }
      : { framework: frameworkOf(scopeName) },
    // Flat, so the event serialises on JSON.stringify's fast path (flat-string.ts).
    dedupKey: flatJoin("otel-log:", traceId, ":", spanId),
  };
  if (mapping.channelId) event.channel_id = mapping.channelId;
  if (parentSpanId) event.parentSpanId = parentSpanId;
  if (mapping.sync) event.sync = true;
  return event;
}
