/**
 * A batch of spans → ONE OTLP/HTTP request (`POST /v1/traces`), encoded by
 * OpenTelemetry's own serializers after the privacy and resource rules of
 * otlp-span-view.ts: protobuf, or JSON exactly as
 * `@opentelemetry/exporter-trace-otlp-http` (what AxonPush's TypeScript SDK
 * sends) writes it. Like the events requests, body and Idempotency-Key are
 * fixed here, once, so every retry and the exit-time resend carry the very
 * same bytes under the very same key.
 *
 * Which encoding: the user's (OTEL_EXPORTER_OTLP_PROTOCOL), else protobuf
 * until the server refuses it (transport/otlp-encodings.ts). A protobuf
 * request that may have to change carries its JSON form, built from the same
 * span views only if it is asked for (`asJson`).
 *
 * `X-Axonpush-Channel` (when a channel is configured) travels with the
 * request (`headers`), so any sender, including the exit path, sends it
 * without knowing which transport made it.
 */
import { randomUUID } from "node:crypto";
// The two trace serializers by path: the package's index also loads the metrics and logs
// serializers (and the metrics SDK), which the sender never needs.
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer/build/src/trace/json/index.js";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer/build/src/trace/protobuf/index.js";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { OtlpEncoding, OtlpEncodingDecision } from "../transport/otlp-encodings.js";
import type { OutgoingRequest } from "../transport/types.js";
import type { OtlpSpanViewer } from "./otlp-span-view.js";

export type { OtlpEncoding } from "../transport/otlp-encodings.js";

export const OTLP_TRACES_PATH = "/v1/traces";
export const CHANNEL_HEADER = "X-Axonpush-Channel";

export interface OtlpRequestOptions {
  /** Sent as `X-Axonpush-Channel` when set; without it the current API uses the key's default trace channel. */
  readonly channelId?: string;
  readonly viewSpans: OtlpSpanViewer;
  /** One encoding, or a decision made as each request is built (see otlp-encodings.ts). Default protobuf. */
  readonly encoding?: OtlpEncoding | (() => OtlpEncodingDecision);
}

export const OTLP_CONTENT_TYPES = { protobuf: "application/x-protobuf", json: "application/json" } as const;

/** A JSON body's Idempotency-Key, from its protobuf twin's: whoever turns a request into JSON gets the same key. */
const jsonKeyOf = (protobufKey: string) => `${protobufKey}~json`;

// Read at call time, never at module load: in the preload bundle the serializers'
// package is a deferred stand-in that loads on first use (src/preload/lazy), so an
// app on the events transport never loads it, and loading it while the bundle is
// still being evaluated would be too early.
const serializerFor = (encoding: OtlpEncoding) => (encoding === "json" ? JsonTraceSerializer : ProtobufTraceSerializer);

/** The body for spans already viewed (privacy and resource applied), in one encoding. Throws only if the serializer does. */
export function encodeOtlpTraces(views: ReadableSpan[], encoding: OtlpEncoding): Uint8Array {
  const body = serializerFor(encoding).serializeRequest(views);
  if (!body) throw new Error("the OTLP serializer returned no body");
  return body;
}

function decisionOf(encoding: OtlpRequestOptions["encoding"]): OtlpEncodingDecision {
  if (typeof encoding === "function") return encoding();
  return { encoding: encoding ?? "protobuf", mayFallBackToJson: false };
}

/** Undefined for an empty batch; throws only if the serializer does (the caller fails the batch). */
export function otlpRequest(spans: readonly ReadableSpan[], options: OtlpRequestOptions): OutgoingRequest | undefined {
  if (spans.length === 0) return undefined;
  const views = options.viewSpans(spans);
  return otlpRequestOf(OTLP_TRACES_PATH, spans.length, (encoding) => encodeOtlpTraces(views, encoding), options);
}

/**
 * One OTLP request of `count` items (spans, or log records), encoded by
 * `encode` in the encoding decided now, with its JSON twin built on demand
 * when the server may yet refuse protobuf. Shared by traces and logs.
 */
export function otlpRequestOf(
  path: string,
  count: number,
  encode: (encoding: OtlpEncoding) => Uint8Array,
  options: Pick<OtlpRequestOptions, "channelId" | "encoding">,
): OutgoingRequest {
  const { encoding, mayFallBackToJson } = decisionOf(options.encoding);
  const request: OutgoingRequest = {
    path,
    contentType: OTLP_CONTENT_TYPES[encoding],
    body: encode(encoding),
    idempotencyKey: randomUUID(),
    spanCount: count,
    ...(options.channelId ? { headers: { [CHANNEL_HEADER]: options.channelId } } : {}),
  };
  if (encoding === "json" || !mayFallBackToJson) return request;
  let json: OutgoingRequest | undefined;
  const asJson = (): OutgoingRequest =>
    (json ??= {
      ...request,
      contentType: OTLP_CONTENT_TYPES.json,
      body: encode("json"),
      idempotencyKey: jsonKeyOf(request.idempotencyKey),
    });
  return { ...request, asJson };
}
