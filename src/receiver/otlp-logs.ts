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
import { fail, HEX_SPAN_ID, HEX_TRACE_ID, hexId, outerList, readScope, SpanProblem, unixNano } from "./otlp-read.js";
import type { ReadOtlpBatch } from "./otlp-route.js";
import type { ReceivedLog } from "./types.js";
import { isPlainObject } from "./validate-event.js";

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
export function readOtlpLogs(request: Record<string, unknown>): ReadOtlpBatch<ReceivedLog> {
  const result: ReadOtlpBatch<ReceivedLog> = { items: [], rejected: 0 };
  const reject = (count: number, where: string, problem: unknown): void => {
    if (!(problem instanceof SpanProblem)) throw problem;
    result.rejected += count;
    result.firstProblem ??= `${where}: ${problem.message}`;
  };
  outerList(request.resourceLogs, "resourceLogs").forEach((resourceLogs, r) => {
    const resource = keyValuesToStrings(isPlainObject(resourceLogs.resource) ? resourceLogs.resource.attributes : undefined);
    outerList(resourceLogs.scopeLogs, `resourceLogs[${r}].scopeLogs`).forEach((scopeLogs, s) => {
      const records = outerList(scopeLogs.logRecords, `resourceLogs[${r}].scopeLogs[${s}].logRecords`);
      if (records.length > 0 && !resource["service.name"]) {
        reject(records.length, `resourceLogs[${r}]`, new SpanProblem('resource has no "service.name"'));
        return;
      }
      const scope = readScope(scopeLogs.scope);
      records.forEach((raw, i) => {
        try {
          result.items.push(readLog(raw, { ...resource }, scope));
        } catch (problem) {
          reject(1, `resourceLogs[${r}].scopeLogs[${s}].logRecords[${i}]`, problem);
        }
      });
    });
  });
  return result;
}
