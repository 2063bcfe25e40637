/**
 * What an OTLP/HTTP endpoint answers on success: 200 with an
 * ExportTraceServiceResponse (ExportLogsServiceResponse) in the request's
 * own encoding. Without rejected spans (log records) the message is empty
 * (zero bytes, or `{}`); otherwise it carries `partial_success` with the
 * count and the first reason.
 */
import type { OtlpEncoding } from "./otlp-decode.js";
import type { OtlpTraceTypes } from "./otlp-schema.js";
import type { Reply } from "./reply.js";

export interface PartialSuccess {
  /** `rejectedSpans` or `rejectedLogRecords`. */
  field: string;
  rejected: number;
  errorMessage: string;
}

/** The response in OTLP/JSON form; also what the idempotency cache keeps. */
export function otlpResponseJson(partial: PartialSuccess | undefined): Record<string, unknown> {
  if (!partial) return {};
  // proto3's JSON mapping writes int64 as a decimal string.
  return { partialSuccess: { [partial.field]: String(partial.rejected), errorMessage: partial.errorMessage } };
}

/** 200 with `response` (OTLP/JSON form) encoded as the request was. */
export function otlpSuccessReply(
  encoding: OtlpEncoding,
  types: OtlpTraceTypes | undefined,
  response: Record<string, unknown>,
): Reply {
  if (encoding === "json" || !types) {
    return { status: 200, body: response, headers: { "content-type": "application/json" } };
  }
  const bytes = types.response.encode(types.response.fromObject(response)).finish();
  return { status: 200, body: bytes, headers: { "content-type": "application/x-protobuf" } };
}
