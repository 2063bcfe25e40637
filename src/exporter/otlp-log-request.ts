/**
 * A batch of log records → ONE OTLP/HTTP request (`POST /v1/logs`), encoded
 * by OpenTelemetry's own logs serializers (protobuf, or JSON as
 * `@opentelemetry/exporter-logs-otlp-http` writes it) after the same
 * privacy and resource rules as the `app.log` events: the same headers, the
 * same encoding decision and JSON fallback as `/v1/traces`
 * (otlp-request.ts). OTLP carries the active span's ids on each record
 * itself, so no id of our own is made here.
 */
// By path, as the trace serializers: the package's index also loads the metrics serializers.
import { JsonLogsSerializer } from "@opentelemetry/otlp-transformer/build/src/logs/json/index.js";
import { ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer/build/src/logs/protobuf/index.js";
import type { Resource } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { LOG, type LogRecordRecord } from "../sender/log-records.js";
import type { ScopeRecord } from "../sender/records.js";
import { PlainResource } from "../sender/plain-resource.js";
import type { OtlpEncoding } from "../transport/otlp-encodings.js";
import type { OutgoingRequest } from "../transport/types.js";
import { privateLogAttributes, privateLogBody } from "./log-privacy.js";
import { sendableLogTime } from "./map-log.js";
import { otlpRequestOf, type OtlpRequestOptions } from "./otlp-request.js";
import type { Privacy } from "./privacy.js";
import type { ResourceMapper } from "./resource.js";

export const OTLP_LOGS_PATH = "/v1/logs";

// Read at call time, as the trace serializers are (see otlp-request.ts).
const serializerFor = (encoding: OtlpEncoding) => (encoding === "json" ? JsonLogsSerializer : ProtobufLogsSerializer);

export function encodeOtlpLogs(views: ReadableLogRecord[], encoding: OtlpEncoding): Uint8Array {
  const body = serializerFor(encoding).serializeRequest(views);
  if (!body) throw new Error("the OTLP serializer returned no body");
  return body;
}

/**
 * Records as the serializer reads them, the rules applied. The serializer
 * groups by resource and scope identity: records of one resource (one
 * scope) share one view of it, for the life of the lane.
 */
export class OtlpLogViewer {
  readonly #privacy: Privacy;
  readonly #mapResource: ResourceMapper;
  readonly #resources = new WeakMap<Resource, Resource>();
  #noResource: Resource | undefined;
  readonly #scopes = new Map<string, ReadableLogRecord["instrumentationScope"]>();

  constructor(privacy: Privacy, mapResource: ResourceMapper) {
    this.#privacy = privacy;
    this.#mapResource = mapResource;
  }

  view(record: LogRecordRecord, resource: Resource | undefined): ReadableLogRecord {
    const privacy = this.#privacy;
    const time = sendableLogTime([record[LOG.seconds], record[LOG.nanos]]);
    const observedSeconds = record[LOG.observedSeconds];
    const observed = observedSeconds === undefined ? time : sendableLogTime([observedSeconds, record[LOG.observedNanos] ?? 0]);
    const traceId = record[LOG.traceId];
    const spanId = record[LOG.spanId];
    return {
      hrTime: time,
      hrTimeObserved: observed,
      ...(traceId && spanId ? { spanContext: { traceId, spanId, traceFlags: record[LOG.traceFlags] ?? 0 } } : {}),
      severityText: record[LOG.severityText],
      severityNumber: record[LOG.severityNumber],
      body: privateLogBody(record[LOG.body], privacy) as ReadableLogRecord["body"],
      eventName: record[LOG.eventName],
      resource: this.#viewOfResource(resource),
      instrumentationScope: this.#scopeOf(record[LOG.scope]),
      attributes: privateLogAttributes(record[LOG.attributes] ?? {}, privacy) as ReadableLogRecord["attributes"],
      droppedAttributesCount: record[LOG.droppedAttributesCount] ?? 0,
    };
  }

  #viewOfResource(resource: Resource | undefined): Resource {
    if (!resource) return (this.#noResource ??= new PlainResource(this.#mapResource(undefined)));
    let view = this.#resources.get(resource);
    if (!view) {
      view = new PlainResource(this.#mapResource(resource), resource.schemaUrl);
      this.#resources.set(resource, view);
    }
    return view;
  }

  #scopeOf(scope: ScopeRecord): ReadableLogRecord["instrumentationScope"] {
    const key = `${scope.name}\n${scope.version ?? ""}\n${scope.schemaUrl ?? ""}`;
    let shared = this.#scopes.get(key);
    if (!shared) {
      shared = { ...scope };
      // Loggers are few; a bound all the same.
      if (this.#scopes.size < 1000) this.#scopes.set(key, shared);
    }
    return shared;
  }
}

export interface OtlpLogRequestOptions extends Pick<OtlpRequestOptions, "channelId" | "encoding"> {
  readonly viewer: OtlpLogViewer;
}

/** Undefined for an empty batch; throws only if the serializer does (the caller fails the batch). */
export function otlpLogsRequest(
  records: readonly LogRecordRecord[],
  resources: readonly (Resource | undefined)[],
  options: OtlpLogRequestOptions,
): OutgoingRequest | undefined {
  if (records.length === 0) return undefined;
  const views = records.map((record, i) => options.viewer.view(record, resources[i]));
  return otlpRequestOf(OTLP_LOGS_PATH, records.length, (encoding) => encodeOtlpLogs(views, encoding), options);
}
