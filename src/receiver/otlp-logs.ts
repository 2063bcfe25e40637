/**
 * Reads the log records out of a decoded ExportLogsServiceRequest (OTLP/JSON
 * shape, see otlp-decode.ts) into `ReceivedLog`s with the same normalised
 * fields as the `app.log` events: attributes and resource as strings, time as
 * a decimal string, the span it was written in as `parentSpanId`.
 *
 * A record that breaks the protocol (bad ids, a severity out of range, a
 * resource without `service.name`) is rejected on its own and counted, as an
 * OTLP endpoint reports it through `partial_success`; the rest are kept.
 */
import { anyValueToJs, keyValuesToStrings } from "./otlp-attributes.js";
import { fail, HEX_SPAN_ID, HEX_TRACE_ID, hexId, readOtlpItems, unixNano, type ReadItems } from "./otlp-read.js";
import type { ReceivedLog } from "./types.js";

/** Empty or absent ids mean "outside any span" in OTLP. */
const present = (value: unknown) => value !== undefined && value !== "";

function readLog(raw: Record<string, unknown>, resource: Record<string, string>, scope: ReceivedLog["scope"]): ReceivedLog {
  const severityNumber = raw.severityNumber ?? 0;
  if (!(typeof severityNumber === "number" && Number.isInteger(severityNumber) && severityNumber >= 0 && severityNumber <= 24)) {
    fail(`severityNumber must be 0..24 (got ${JSON.stringify(raw.severityNumber)})`);
  }
  // A time of 0 is unknown: the observed time stands in, as the data model says.
  const time = unixNano(raw.timeUnixNano ?? "0", "timeUnixNano");
  const log: ReceivedLog = {
    severityNumber,
    severityText: typeof raw.severityText === "string" ? raw.severityText : "",
    body: raw.body === undefined ? "" : anyValueToJs(raw.body),
    timeUnixNano: time === "0" ? unixNano(raw.observedTimeUnixNano ?? "0", "observedTimeUnixNano") : time,
    attributes: keyValuesToStrings(raw.attributes),
    resource,
    via: "otlp",
  };
  if (present(raw.traceId)) log.traceId = hexId(raw.traceId, HEX_TRACE_ID, "traceId");
  if (present(raw.spanId)) {
    if (!log.traceId) fail("spanId without a traceId");
    log.parentSpanId = hexId(raw.spanId, HEX_SPAN_ID, "spanId");
  }
  if (scope) log.scope = { ...scope };
  return log;
}

/** Throws a plain Error (→ 400) only when the request's outer shape is wrong. */
export function readOtlpLogs(request: Record<string, unknown>): ReadItems<ReceivedLog> {
  return readOtlpItems(request, { resources: "resourceLogs", scopes: "scopeLogs", items: "logRecords" }, readLog);
}
