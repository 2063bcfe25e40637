/**
 * The one place the two transports differ: how the spans of one `export()`
 * call become prepared requests. The exporter, its queue, the retries and
 * the exit path only ever see `OutgoingRequest`s (each knows its path,
 * content type, extra headers and how many spans it carries), so they work
 * the same whichever builder made them.
 *
 * - events: one `POST /event` per span (`app.span`, see event-types.ts);
 * - otlp: one `POST /v1/traces` per batch (cut into chunks of at most
 *   `maxSpansPerRequest`, so no single request can exceed the queue bound).
 */
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { logger } from "../diag.js";
import { decideOtlpEncoding, type ServerOtlpEncodings } from "../transport/otlp-encodings.js";
import type { OutgoingRequest } from "../transport/types.js";
import { mapSpan, type SpanMapping } from "./map-span.js";
import type { ExporterSettings } from "./options.js";
import { otlpRequest, type OtlpRequestOptions } from "./otlp-request.js";
import { createOtlpSpanViewer } from "./otlp-span-view.js";
import type { Privacy } from "./privacy.js";
import type { ResourceMapper } from "./resource.js";
import { eventToRequest } from "./serialize.js";

export type TransportName = "events" | "otlp";

export interface BuiltRequests {
  readonly requests: OutgoingRequest[];
  /** Spans that could not be encoded (logged); their batch counts them as failed. */
  readonly failedSpans: number;
}

export interface RequestBuilder {
  build(spans: readonly ReadableSpan[]): BuiltRequests;
}

/** `refused`: the properties the server has refused so far (live), left out of every new body. */
export function eventRequestBuilder(mapping: SpanMapping, refused?: ReadonlySet<string>): RequestBuilder {
  return {
    build(spans) {
      const requests: OutgoingRequest[] = [];
      let failedSpans = 0;
      for (const span of spans) {
        try {
          requests.push(eventToRequest(mapSpan(span, mapping), refused));
        } catch (error) {
          failedSpans += 1;
          logger.error(`could not map span ${JSON.stringify(span?.name)}`, error);
        }
      }
      return { requests, failedSpans };
    },
  };
}

/** The BatchSpanProcessor's own default batch size: a request of a few hundred kilobytes at most. */
export const OTLP_MAX_SPANS_PER_REQUEST = 512;

export interface OtlpBuilderOptions extends OtlpRequestOptions {
  readonly maxSpansPerRequest: number;
}

export function otlpRequestBuilder(options: OtlpBuilderOptions): RequestBuilder {
  const chunkSize = Math.max(1, Math.floor(options.maxSpansPerRequest));
  return {
    build(spans) {
      const requests: OutgoingRequest[] = [];
      let failedSpans = 0;
      for (let start = 0; start < spans.length; start += chunkSize) {
        const chunk = spans.slice(start, start + chunkSize);
        try {
          const request = otlpRequest(chunk, options);
          if (request) requests.push(request);
        } catch (error) {
          failedSpans += chunk.length;
          logger.error(`could not encode ${chunk.length} span(s) as OTLP`, error);
        }
      }
      return { requests, failedSpans };
    },
  };
}

/**
 * The builder the exporter's settings ask for; both share one privacy and one resource mapping.
 * `encodings`: what the server is known to take (live), so OTLP requests are built as JSON once it refused protobuf.
 */
export function createRequestBuilder(
  settings: ExporterSettings,
  privacy: Privacy,
  mapResource: ResourceMapper,
  refused?: ReadonlySet<string>,
  encodings?: ServerOtlpEncodings,
): RequestBuilder {
  if (settings.transport === "otlp") {
    return otlpRequestBuilder({
      channelId: settings.channelId,
      viewSpans: createOtlpSpanViewer(privacy, mapResource),
      encoding: encodings ? () => decideOtlpEncoding(settings.otlpEncoding, encodings) : settings.otlpEncoding,
      maxSpansPerRequest: Math.min(OTLP_MAX_SPANS_PER_REQUEST, settings.maxQueueSize),
    });
  }
  return eventRequestBuilder({ channelId: settings.channelId, sync: settings.mode === "sync", privacy, mapResource }, refused);
}
