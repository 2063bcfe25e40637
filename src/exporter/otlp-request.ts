/**
 * A batch of spans → ONE OTLP/HTTP request (`POST /v1/traces`), encoded by
 * OpenTelemetry's own serializer (protobuf by default), after the privacy
 * and resource rules of otlp-span-view.ts. Like the events requests, body and
 * Idempotency-Key are fixed here, once, so every retry and the exit-time
 * resend carry the very same bytes under the very same key.
 *
 * `X-Axonpush-Channel` (when a channel is configured) travels with the
 * request (`headers`), so any sender, including the exit path, sends it
 * without knowing which transport made it.
 */
import { randomUUID } from "node:crypto";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { OutgoingRequest } from "../transport/types.js";
import type { OtlpSpanViewer } from "./otlp-span-view.js";

export const OTLP_TRACES_PATH = "/v1/traces";
export const CHANNEL_HEADER = "X-Axonpush-Channel";

export type OtlpEncoding = "protobuf" | "json";

export interface OtlpRequestOptions {
  /** Sent as `X-Axonpush-Channel` when set; without it the current API uses the key's default trace channel. */
  readonly channelId?: string;
  readonly viewSpans: OtlpSpanViewer;
  /** Default protobuf, the smaller and cheaper encoding; JSON is for debugging. */
  readonly encoding?: OtlpEncoding;
}

const CONTENT_TYPES = { protobuf: "application/x-protobuf", json: "application/json" } as const;

// Read at call time, never at module load: in the preload bundle the serializers'
// package is a deferred stand-in that loads on first use (src/preload/lazy), so an
// app on the events transport never loads it, and loading it while the bundle is
// still being evaluated would be too early.
const serializerFor = (encoding: OtlpEncoding) => (encoding === "json" ? JsonTraceSerializer : ProtobufTraceSerializer);

/** Undefined for an empty batch; throws only if the serializer does (the caller fails the batch). */
export function otlpRequest(spans: readonly ReadableSpan[], options: OtlpRequestOptions): OutgoingRequest | undefined {
  if (spans.length === 0) return undefined;
  const encoding = options.encoding ?? "protobuf";
  const body = serializerFor(encoding).serializeRequest(options.viewSpans(spans));
  if (!body) throw new Error("the OTLP serializer returned no body");
  return {
    path: OTLP_TRACES_PATH,
    contentType: CONTENT_TYPES[encoding],
    body,
    idempotencyKey: randomUUID(),
    spanCount: spans.length,
    ...(options.channelId ? { headers: { [CHANNEL_HEADER]: options.channelId } } : {}),
  };
}
