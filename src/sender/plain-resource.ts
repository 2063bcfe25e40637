/**
 * A resource rebuilt on the sender from its plain attributes: what the
 * mapping and OpenTelemetry's serializer read of one (attributes, schema
 * URL, nothing pending), without @opentelemetry/resources, which would bring
 * the semantic conventions (a third of the sender bundle) for a default
 * resource the sender never makes.
 */
import type { Attributes } from "@opentelemetry/api";
import type { RawResourceAttribute, Resource } from "@opentelemetry/resources";

export class PlainResource implements Resource {
  readonly asyncAttributesPending = false;
  readonly attributes: Attributes;
  readonly schemaUrl?: string;

  constructor(attributes: Attributes, schemaUrl?: string) {
    this.attributes = attributes;
    if (schemaUrl) this.schemaUrl = schemaUrl;
  }

  getRawAttributes(): RawResourceAttribute[] {
    return Object.entries(this.attributes);
  }

  /** The other's attributes win, as in the SDK's own merge (the sender never merges; here for the interface). */
  merge(other: Resource | null): Resource {
    if (!other) return this;
    return new PlainResource({ ...this.attributes, ...other.attributes }, other.schemaUrl ?? this.schemaUrl);
  }
}
