/**
 * An OTLP endpoint can answer 200 and still refuse some spans of the batch
 * (`partial_success` in the ExportTraceServiceResponse). The request is done
 * (retrying would not help), but the user must hear about the lost spans,
 * as OpenTelemetry's own OTLP exporter warns: this turns such an answer into
 * a failure for the exporter's rate-limited report.
 */
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { OutgoingRequest, SendResult } from "../transport/types.js";
import { OTLP_TRACES_PATH } from "./otlp-request.js";

export interface PartialRejection {
  readonly result: SendResult;
  readonly rejectedSpans: number;
}

export function partialRejection(request: OutgoingRequest, result: SendResult): PartialRejection | undefined {
  if (result.kind !== "success" || !result.body || request.path !== OTLP_TRACES_PATH) return undefined;
  let rejectedSpans = 0;
  let errorMessage = "";
  try {
    const serializer = request.contentType === "application/json" ? JsonTraceSerializer : ProtobufTraceSerializer;
    const partial = serializer.deserializeResponse(result.body).partialSuccess;
    rejectedSpans = Number(partial?.rejectedSpans ?? 0);
    errorMessage = partial?.errorMessage ?? "";
  } catch {
    return undefined; // an unreadable success answer is still a success
  }
  if (!(rejectedSpans > 0)) return undefined;
  const message = `${rejectedSpans} of ${request.spanCount} span(s) refused (partial success)${errorMessage ? `: ${errorMessage}` : ""}`;
  return { result: { kind: "failure", status: result.status, message }, rejectedSpans };
}
