/**
 * For the OTLP transport: a light read-only view of a ReadableSpan with the
 * same privacy and resource rules as the events mapping, for OpenTelemetry's
 * own serializer to encode. The span itself is never changed: other
 * processors and exporters on the provider may hold the same object.
 *
 * OTLP keeps attribute types, so values stay typed here (a count stays a
 * number): redacted keys become `[REDACTED]`, strings (also inside arrays)
 * are cut to `maxContentLength` with the same marker as the events mapping.
 * The resource is the events mapping's resource verbatim (every value a
 * string, service / version / environment overridden), so both transports
 * describe the service identically.
 */
import type { Attributes, AttributeValue, Link, SpanStatus } from "@opentelemetry/api";
import { resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace-base";
import type { Privacy } from "./privacy.js";
import { REDACTED } from "./redaction.js";
import type { ResourceMapper } from "./resource.js";
import { truncateString } from "./truncate.js";

export type OtlpSpanViewer = (spans: readonly ReadableSpan[]) => ReadableSpan[];

function privateValue(value: AttributeValue, max: number): AttributeValue {
  if (typeof value === "string") return truncateString(value, max);
  if (Array.isArray(value) && value.some((item) => typeof item === "string" && item.length > max)) {
    return value.map((item) => (typeof item === "string" ? truncateString(item, max) : item)) as AttributeValue;
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
    const replaced = privacy.isRedacted(key) ? REDACTED : privateValue(value, privacy.maxContentLength);
    if (replaced !== value) {
      out ??= { ...attributes };
      out[key] = replaced;
    }
  }
  return out ?? attributes;
}

function privateEvents(events: readonly TimedEvent[], privacy: Privacy): TimedEvent[] {
  return events.map((event) => {
    const attributes = privateAttributes(event.attributes, privacy);
    return attributes === event.attributes ? event : { ...event, attributes };
  });
}

function privateLinks(links: readonly Link[], privacy: Privacy): Link[] {
  return links.map((link) => {
    const attributes = privateAttributes(link.attributes, privacy);
    return attributes === link.attributes ? link : { ...link, attributes };
  });
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
    if (!resource) return (noResource ??= resourceFromAttributes(mapResource(undefined)));
    let view = settled.get(resource) ?? batch.get(resource);
    if (!view) {
      view = resourceFromAttributes(mapResource(resource), { schemaUrl: resource.schemaUrl });
      if (resource.asyncAttributesPending) batch.set(resource, view);
      else settled.set(resource, view);
    }
    return view;
  };

  return (spans) => {
    const batchResources = new Map<Resource, Resource>();
    return spans.map((span) => ({
      name: span.name,
      kind: span.kind,
      spanContext: () => span.spanContext(),
      parentSpanContext: span.parentSpanContext,
      startTime: span.startTime,
      endTime: span.endTime,
      status: privateStatus(span.status, privacy),
      attributes: privateAttributes(span.attributes, privacy),
      links: privateLinks(span.links, privacy),
      events: privateEvents(span.events, privacy),
      duration: span.duration,
      ended: span.ended,
      resource: viewOfResource(span.resource, batchResources),
      instrumentationScope: span.instrumentationScope,
      droppedAttributesCount: span.droppedAttributesCount,
      droppedEventsCount: span.droppedEventsCount,
      droppedLinksCount: span.droppedLinksCount,
    }));
  };
}
