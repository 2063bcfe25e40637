/**
 * An OTLP endpoint can answer 200 and still refuse some spans of the batch
 * (`partial_success` in the ExportTraceServiceResponse). The request is done
 * (retrying would not help), but the user must hear about the lost spans,
 * as OpenTelemetry's own OTLP exporter warns: this turns such an answer into
 * a failure for the exporter's rate-limited report. The same for log records
 * (`rejectedLogRecords` in an ExportLogsServiceResponse).
 */
// By path: the package's index also loads the metrics and logs serializers (and the metrics SDK).
import { ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer/build/src/logs/protobuf/index.js";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer/build/src/trace/protobuf/index.js";
import type { OutgoingRequest, SendResult } from "../transport/types.js";
import { OTLP_LOGS_PATH } from "./otlp-log-request.js";
import { OTLP_TRACES_PATH } from "./otlp-request.js";

export interface PartialRejection {
  readonly result: SendResult;
  /** Spans, or log records for `/v1/logs`. */
  readonly rejectedSpans: number;
}

export function partialRejection(request: OutgoingRequest, result: SendResult): PartialRejection | undefined {
  const logs = request.path === OTLP_LOGS_PATH;
  if (result.kind !== "success" || !result.body || (request.path !== OTLP_TRACES_PATH && !logs)) return undefined;
  let rejectedSpans = 0;
  let errorMessage = "";
  try {
    const partial = deserializeResponse(result.body, logs).partialSuccess;
    rejectedSpans = Number((logs ? partial?.rejectedLogRecords : partial?.rejectedSpans) ?? 0);
    errorMessage = partial?.errorMessage ?? "";
  } catch {
    return undefined; // an unreadable success answer is still a success
  }
  if (!(rejectedSpans > 0)) return undefined;
  const what = logs ? "log record(s)" : "span(s)";
  const message = `${rejectedSpans} of ${request.spanCount} ${what} refused (partial success)${errorMessage ? `: ${errorMessage}` : ""}`;
  return { result: { kind: "failure", status: result.status, message }, rejectedSpans };
}

interface PartialSuccessAnswer {
  readonly partialSuccess?: { readonly rejectedSpans?: unknown; readonly rejectedLogRecords?: unknown; readonly errorMessage?: string };
}

/**
 * By the answer's own bytes, not the request's content type: a protobuf
 * request may have been sent again as JSON (transport/otlp-json-fallback.ts),
 * and the answer comes in the encoding that was sent. A JSON object starts
 * with `{`; a protobuf message may too (a newline tag, then a length of 123),
 * but is no valid JSON, and is read as protobuf. Parsed here rather than by
 * the JSON serializer, which turns invalid JSON into an empty answer.
 */
function deserializeResponse(body: Uint8Array, logs: boolean): PartialSuccessAnswer {
  if (/^\s*\{/.test(Buffer.from(body.subarray(0, 8)).toString("latin1"))) {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(body).toString("utf8"));
      if (parsed && typeof parsed === "object") return parsed as PartialSuccessAnswer;
    } catch {
      // not JSON after all
    }
  }
  return (logs ? ProtobufLogsSerializer : ProtobufTraceSerializer).deserializeResponse(body);
}
