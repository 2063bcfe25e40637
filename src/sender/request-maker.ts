/**
 * Records → requests, with one exporter's settings: the privacy rules, the
 * resource mapping and the builder of its transport (events or OTLP). What a
 * lane runs on every batch, and what `check` and the tests use to see the
 * exact request a span becomes.
 */
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { ExporterSettings } from "../exporter/options.js";
import { createPrivacy } from "../exporter/privacy.js";
import { createRequestBuilder, type BuiltRequests, type RequestBuilder } from "../exporter/request-builders.js";
import { createResourceMapper } from "../exporter/resource.js";
import type { ServerOtlpEncodings } from "../transport/otlp-encodings.js";
import { ResourceTable, spansFromRecords } from "./record-spans.js";
import { RecordMaker, type RecordBatch } from "./records.js";

export class RequestMaker {
  readonly #builder: RequestBuilder;
  readonly #resources = new ResourceTable();

  /**
   * `refused`: the properties the server has refused so far (live), left out of every new body;
   * `encodings`: what OTLP encoding it is known to take (live), so OTLP is built as JSON once it refused protobuf.
   */
  constructor(settings: ExporterSettings, refused?: ReadonlySet<string>, encodings?: ServerOtlpEncodings) {
    const privacy = createPrivacy(settings);
    this.#builder = createRequestBuilder(settings, privacy, createResourceMapper(settings, privacy), refused, encodings);
  }

  fromRecords(batch: RecordBatch): BuiltRequests {
    this.#resources.learn(batch.resources);
    const built = this.#builder.build(spansFromRecords(batch.spans, this.#resources));
    return batch.unreadable > 0 ? { requests: built.requests, failedSpans: built.failedSpans + batch.unreadable } : built;
  }
}

/** The requests these spans become, exactly as a lane would build them (records in between). */
export function prepareRequests(
  settings: ExporterSettings,
  spans: readonly ReadableSpan[],
  refused?: ReadonlySet<string>,
  encodings?: ServerOtlpEncodings,
): BuiltRequests {
  return new RequestMaker(settings, refused, encodings).fromRecords(new RecordMaker().toRecords(spans));
}
