/**
 * For the OTLP transport: a light read-only view of a ReadableSpan with the
 * same privacy and resource rules as the events mapping, for OpenTelemetry's
 * own serializer to encode. The span itself is never changed: other
 * processors and exporters on the provider may hold the same object.
 *
 * OTLP keeps attribute types, so values stay typed here (a count stays a
 * number): redacted keys (and content keys under `metadata_only`) become
 * `[REDACTED]`, strings (also inside arrays) are cut to `maxContentLength`,
 * or to a preview for content under `redacted`, with the same markers as the
 * events mapping.
 * Credential-like query values in URL attributes are hidden as in the
 * events mapping, and times are made sendable the same way (hrtime.ts):
 * OpenTelemetry's protobuf writer would otherwise turn a negative time into
 * a made-up positive one, and its JSON one into a negative string. The resource is the events mapping's resource verbatim (every value a
 * string, service / version / environment overridden), so both transports
 * describe the service identically.
 */
import type { Attributes, AttributeValue, HrTime, Link, SpanStatus } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import { PlainResource } from "../sender/plain-resource.js";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace-base";
import { sendableSpanTimes } from "./hrtime.js";
import { cutText, withoutUrlSecrets, type KeyTreatment, type Privacy } from "./privacy.js";
import { REDACTED } from "./redaction.js";
import type { ResourceMapper } from "./resource.js";
import { truncateString } from "./truncate.js";
import { isUrlAttribute } from "./url-query-redaction.js";

export type OtlpSpanViewer = (spans: readonly ReadableSpan[]) => ReadableSpan[];

function privateValue(value: AttributeValue, treatment: KeyTreatment, privacy: Privacy): AttributeValue {
  if (typeof value === "string") return cutText(value, treatment, privacy);
  if (Array.isArray(value) && value.some((item) => typeof item === "string" && cutText(item, treatment, privacy) !== item)) {
    return value.map((item) => (typeof item === "string" ? cutText(item, treatment, privacy) : item)) as AttributeValue;
  }
  return value;
}

/** The same object back when nothing needs hiding or cutting (the common case: no copy). */
export function privateAttributes(attributes: Attributes | undefined, privacy: Privacy): Attributes {
  if (!attributes) return {};
  let out: Attributes | undefined;
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    // Hidden before cut, so a cut never leaves half a secret behind.
    const treatment = privacy.treatmentOf(key);
    const replaced =
      treatment === "redact"
        ? REDACTED
        : privateValue(isUrlAttribute(key) ? withoutUrlSecrets(key, value, privacy) : value, treatment, privacy);
    if (replaced !== value) {
      out ??= { ...attributes };
      out[key] = replaced;
    }
  }
  return out ?? attributes;
}

// Events and links are usually empty or untouched: hand back the span's own
// array then, so the common span allocates nothing here.
function privateEvents(events: TimedEvent[], privacy: Privacy, times: readonly HrTime[] | undefined): TimedEvent[] {
  if (events.length === 0) return events;
  const viewed = events.map((event, i) => {
    const attributes = privateAttributes(event.attributes, privacy);
    const time = times?.[i] ?? event.time;
    return attributes === event.attributes && time === event.time ? event : { ...event, attributes, time };
  });
  return viewed.every((event, i) => event === events[i]) ? events : viewed;
}

function privateLinks(links: Link[], privacy: Privacy): Link[] {
  if (links.length === 0) return links;
  const viewed = links.map((link) => {
    const attributes = privateAttributes(link.attributes, privacy);
    return attributes === link.attributes ? link : { ...link, attributes };
  });
  return viewed.every((link, i) => link === links[i]) ? links : viewed;
}

function privateStatus(status: SpanStatus, privacy: Privacy): SpanStatus {
  if (!status.message || status.message.length <= privacy.maxContentLength) return status;
  return { ...status, message: truncateString(status.message, privacy.maxContentLength) };
}

export function createOtlpSpanViewer(privacy: Privacy, mapResource: ResourceMapper): OtlpSpanViewer {
  // The serializer groups spans by resource identity: spans sharing a resource must share its view.
  const settled = new WeakMap<Resource, Resource>();
  let noResource: Resource | undefined; // hand-made spans may have none; the mapper still names the service
  const viewOfResource = (resource: Resource | undefined, batch: Map<Resource, Resource>): Resource => {
    if (!resource) return (noResource ??= new PlainResource(mapResource(undefined)));
    let view = settled.get(resource) ?? batch.get(resource);
    if (!view) {
      view = new PlainResource(mapResource(resource), resource.schemaUrl);
      if (resource.asyncAttributesPending) batch.set(resource, view);
      else settled.set(resource, view);
    }
    return view;
  };

  return (spans) => {
    const batchResources = new Map<Resource, Resource>();
    return spans.map(
      (span) => new PrivateSpanView(span, privacy, viewOfResource(span.resource, batchResources)),
    );
  };
}

/**
 * One class rather than an object literal with a closure per span: every
 * view has the same shape for the serializer, and `spanContext` lives on the
 * prototype instead of being a fresh function for each of the thousands of
 * spans a busy service exports per second.
 */
class PrivateSpanView implements ReadableSpan {
  readonly name: string;
  readonly kind: ReadableSpan["kind"];
  readonly parentSpanContext: ReadableSpan["parentSpanContext"];
  readonly startTime: ReadableSpan["startTime"];
  readonly endTime: ReadableSpan["endTime"];
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: TimedEvent[];
  readonly duration: ReadableSpan["duration"];
  readonly ended: boolean;
  readonly resource: Resource;
  readonly instrumentationScope: ReadableSpan["instrumentationScope"];
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
  readonly #span: ReadableSpan;

  constructor(span: ReadableSpan, privacy: Privacy, resource: Resource) {
    this.#span = span;
    this.name = span.name;
    this.kind = span.kind;
    this.parentSpanContext = span.parentSpanContext;
    // Undefined when the span's own times are already sendable (the common case).
    const times = sendableSpanTimes(span);
    this.startTime = times?.startTime ?? span.startTime;
    this.endTime = times?.endTime ?? span.endTime;
    this.status = privateStatus(span.status, privacy);
    this.attributes = privateAttributes(span.attributes, privacy);
    this.links = privateLinks(span.links, privacy);
    this.events = privateEvents(span.events, privacy, times?.eventTimes);
    this.duration = span.duration;
    this.ended = span.ended;
    this.resource = resource;
    this.instrumentationScope = span.instrumentationScope;
    this.droppedAttributesCount = span.droppedAttributesCount;
    this.droppedEventsCount = span.droppedEventsCount;
    this.droppedLinksCount = span.droppedLinksCount;
  }

  spanContext() {
    return this.#span.spanContext();
  }
}
