/**
 * `POST /v1/traces`: AxonPush's native OTLP/HTTP ingest, protobuf or JSON.
 * Checks the AxonPush headers as the API does (key, tenant, and the
 * `X-Axonpush-Channel` this ingest needs), decodes the batch, stores its
 * spans next to those of `/event` (with `via: "otlp"`), and answers like an
 * OTLP endpoint: 200 with an ExportTraceServiceResponse in the request's
 * encoding, reporting rejected spans as partial success.
 *
 * Failure rules (`failNext`) apply here exactly as on `/event`: the server
 * applies them before any route runs.
 */
import { gunzipSync } from "node:zlib";
import { decodeOtlpRequest, otlpEncodingOf } from "./otlp-decode.js";
import { otlpResponseJson, otlpSuccessReply, type PartialSuccess } from "./otlp-reply.js";
import { loadOtlpTraceTypes, otlpTraceTypes } from "./otlp-schema.js";
import { readOtlpSpans, type ReadOtlpSpans } from "./otlp-spans.js";
import { errorReply, type Reply } from "./reply.js";
import type { Route, RouteContext } from "./route.js";
import type { ReceivedEvent } from "./types.js";
import { checkAuth, checkIdempotencyKey } from "./validate-headers.js";

export const OTLP_TRACES_PATH = "/v1/traces";

function checkChannel(headers: Record<string, string>): Reply | undefined {
  const channel = headers["x-axonpush-channel"];
  if (channel === undefined || channel.trim() === "") {
    return errorReply(400, "bad_request", "missing X-Axonpush-Channel header", "set AXONPUSH_CHANNEL_ID");
  }
  return undefined;
}

/** OTLP/HTTP clients may gzip the body (`OTEL_EXPORTER_OTLP_COMPRESSION=gzip`); other encodings are refused. */
function uncompressed(headers: Record<string, string>, body: Buffer): Buffer | Reply {
  const encoding = (headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (encoding === "identity") return body;
  if (encoding !== "gzip") return errorReply(415, "unsupported_media_type", `Content-Encoding ${JSON.stringify(encoding)} is not supported`);
  try {
    return gunzipSync(body);
  } catch {
    return errorReply(400, "bad_request", "body is not valid gzip");
  }
}

function handleTraces(context: RouteContext): Reply {
  const { headers, store } = context;
  const problem = checkAuth(headers, context.auth) ?? checkChannel(headers) ?? checkIdempotencyKey(headers);
  if (problem) return problem;
  const encoding = otlpEncodingOf(headers["content-type"]);
  if (!encoding) {
    return errorReply(
      415,
      "unsupported_media_type",
      `Content-Type must be application/x-protobuf or application/json (got ${JSON.stringify(headers["content-type"] ?? "")})`,
    );
  }

  const body = uncompressed(headers, context.body);
  if (!Buffer.isBuffer(body)) return body;
  const types = otlpTraceTypes();
  const decoded = decodeOtlpRequest(body, encoding, types);
  if (!decoded.ok) return errorReply(400, "bad_request", decoded.message);
  let read: ReadOtlpSpans;
  try {
    read = readOtlpSpans(decoded.request);
  } catch (error) {
    return errorReply(400, "bad_request", (error as Error).message);
  }

  const idempotencyKey = headers["idempotency-key"];
  const cached = store.cachedAnswer(idempotencyKey);
  if (cached) return otlpSuccessReply(encoding, types, cached.body);

  const partial: PartialSuccess | undefined =
    read.rejected > 0 ? { rejectedSpans: read.rejected, errorMessage: read.firstProblem ?? "invalid span" } : undefined;
  const response = otlpResponseJson(partial);
  const event: ReceivedEvent = { body: decoded.request, headers: { ...headers } };
  if (idempotencyKey !== undefined) event.idempotencyKey = idempotencyKey;
  store.accept(event, read.spans, { status: 200, body: response });

  const reply = otlpSuccessReply(encoding, types, response);
  // Rejected spans broke the contract: a test asserting "nothing was refused" must see them.
  if (partial) reply.rejection = `${partial.rejectedSpans} span(s) rejected: ${partial.errorMessage}`;
  return reply;
}

export const otlpTracesRoute: Route = {
  method: "POST",
  path: OTLP_TRACES_PATH,
  handle: handleTraces,
  prepare: loadOtlpTraceTypes,
};
