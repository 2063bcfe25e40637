/**
 * `POST /v1/traces` and `POST /v1/logs`: AxonPush's native OTLP/HTTP
 * ingests, protobuf or JSON, one handler for both signals (`OtlpSignal`).
 * Checks the AxonPush headers as the imitated version does (key; nest also
 * the tenant and the `X-Axonpush-Channel` it needs, while go routes a batch
 * without it to the default trace channel), decodes the batch, stores its
 * spans next to those of `/event` (with `via: "otlp"`), and answers like an
 * OTLP endpoint: 200 with an ExportTraceServiceResponse in the request's
 * encoding, reporting rejected spans as partial success.
 *
 * Repeats: nest replays on `Idempotency-Key` (and refuses a key reused with
 * another body); go declares no such header and no dedup for this ingest, so
 * a batch sent twice is stored twice there, as far as the contract says.
 *
 * With the `otlp: "json-only"` option, a protobuf body is answered 415, as
 * a deployment that takes only JSON-encoded OTLP answers it.
 *
 * Failure rules (`failNext`) apply here exactly as on `/event`: the server
 * applies them before any route runs.
 */
import { gunzipSync } from "node:zlib";
import { decodeOtlpRequest, otlpEncodingOf } from "./otlp-decode.js";
import { otlpResponseJson, otlpSuccessReply, type PartialSuccess } from "./otlp-reply.js";
import { loadOtlpTraceTypes, otlpLogTypes, otlpTraceTypes, type OtlpTraceTypes } from "./otlp-schema.js";
import { readOtlpLogs } from "./otlp-logs.js";
import type { ReadItems } from "./otlp-read.js";
import { readOtlpSpans } from "./otlp-spans.js";
import { fingerprintOf, idempotencyConflict } from "./duplicates.js";
import { errorReply, type Reply } from "./reply.js";
import type { Route, RouteContext } from "./route.js";
import type { ReceiverStore } from "./store.js";
import type { ReceivedEvent, ReceivedLog, ReceivedSpan } from "./types.js";
import { checkAuth, checkIdempotencyKey, checkKnownChannel } from "./validate-headers.js";

export const OTLP_TRACES_PATH = "/v1/traces";
export const OTLP_LOGS_PATH = "/v1/logs";


/** What differs between the two ingests. */
interface OtlpSignal<T> {
  readonly path: string;
  readonly types: () => OtlpTraceTypes | undefined;
  /** Throws a plain Error (→ 400) only when the request's outer shape is wrong. */
  readonly read: (request: Record<string, unknown>) => ReadItems<T>;
  readonly store: (store: ReceiverStore, event: ReceivedEvent, items: T[]) => void;
  /** The partial-success count's field, and the word for what it counts. */
  readonly rejectedField: string;
  readonly noun: string;
}

function checkChannel(context: RouteContext): Reply | undefined {
  const channel = context.headers["x-axonpush-channel"];
  if (channel === undefined || channel.trim() === "") {
    if (!context.dialect.otlpChannelRequired) return undefined; // go: the default trace channel
    return errorReply(400, "bad_request", "missing X-Axonpush-Channel header", "set AXONPUSH_CHANNEL_ID");
  }
  return checkKnownChannel(channel, context.channels);
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

function handleOtlp<T>(signal: OtlpSignal<T>, context: RouteContext): Reply {
  const { headers, store, dialect } = context;
  const problem = checkAuth(headers, context.auth, dialect) ?? checkChannel(context) ?? checkIdempotencyKey(headers, dialect);
  if (problem) return problem;
  const encoding = otlpEncodingOf(headers["content-type"]);
  if (!encoding) {
    return errorReply(
      415,
      "unsupported_media_type",
      `Content-Type must be application/x-protobuf or application/json (got ${JSON.stringify(headers["content-type"] ?? "")})`,
    );
  }
  if (context.otlp === "json-only" && encoding !== "json") {
    return errorReply(415, "unsupported_media_type", "only JSON-encoded OTLP is accepted: send Content-Type application/json");
  }

  const body = uncompressed(headers, context.body);
  if (!Buffer.isBuffer(body)) return body;
  const types = signal.types();
  const decoded = decodeOtlpRequest(body, encoding, types);
  if (!decoded.ok) return errorReply(400, "bad_request", decoded.message);
  let read: ReadItems<T>;
  try {
    read = signal.read(decoded.request);
  } catch (error) {
    return errorReply(400, "bad_request", (error as Error).message);
  }

  const idempotencyKey = headers["idempotency-key"];
  const byKey = dialect.duplicatesBy === "idempotency-key" && idempotencyKey !== undefined;
  if (byKey) {
    const claim = store.idempotencyKeys.claim(signal.path, idempotencyKey, fingerprintOf(body));
    if (claim.kind === "conflict") return idempotencyConflict(idempotencyKey);
    if (claim.kind === "replay") return otlpSuccessReply(encoding, types, claim.answer.body);
  }

  const partial: PartialSuccess | undefined =
    read.rejected > 0
      ? { field: signal.rejectedField, rejected: read.rejected, errorMessage: read.firstProblem ?? `invalid ${signal.noun}` }
      : undefined;
  const response = otlpResponseJson(partial);
  const event: ReceivedEvent = { body: decoded.request, headers: { ...headers } };
  if (idempotencyKey !== undefined) event.idempotencyKey = idempotencyKey;
  signal.store(store, event, read.items);
  if (byKey) store.idempotencyKeys.remember(signal.path, idempotencyKey, { status: 200, body: response });

  const reply = otlpSuccessReply(encoding, types, response);
  // Rejected items broke the contract: a test asserting "nothing was refused" must see them.
  if (partial) reply.rejection = `${partial.rejected} ${signal.noun}(s) rejected: ${partial.errorMessage}`;
  return reply;
}

const traces: OtlpSignal<ReceivedSpan> = {
  path: OTLP_TRACES_PATH,
  types: otlpTraceTypes,
  read: (request) => {
    const { spans, rejected, firstProblem } = readOtlpSpans(request);
    return { items: spans, rejected, ...(firstProblem !== undefined ? { firstProblem } : {}) };
  },
  store: (store, event, spans) => store.accept(event, spans),
  rejectedField: "rejectedSpans",
  noun: "span",
};

const logs: OtlpSignal<ReceivedLog> = {
  path: OTLP_LOGS_PATH,
  types: otlpLogTypes,
  read: readOtlpLogs,
  store: (store, event, records) => store.accept(event, [], records),
  rejectedField: "rejectedLogRecords",
  noun: "log record",
};

export const otlpTracesRoute: Route = {
  method: "POST",
  path: OTLP_TRACES_PATH,
  handle: (context) => handleOtlp(traces, context),
  prepare: loadOtlpTraceTypes,
};

export const otlpLogsRoute: Route = {
  method: "POST",
  path: OTLP_LOGS_PATH,
  handle: (context) => handleOtlp(logs, context),
  prepare: loadOtlpTraceTypes,
};
