/**
 * Resources cross to the sender once each, by number: the first record of a
 * resource describes it in its batch, later ones only name the number (the
 * sender keeps the table, record-spans.ts). A resource whose asynchronous
 * attributes are still pending (only the exit path hands such records over:
 * it cannot wait) is described with what has settled, under a number of its
 * own, and not remembered.
 */
import type { Attributes, AttributeValue } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import type { ResourceRecord } from "./records.js";

export class ResourceNumbers {
  readonly #ids = new WeakMap<Resource, number>();
  #next = 1;

  /** The resource's number, describing it in `described` the first time; 0 for none. */
  numberOf(resource: Resource | undefined, described: ResourceRecord[]): number {
    if (!resource) return 0;
    const known = this.#ids.get(resource);
    if (known !== undefined) return known;
    const id = this.#next++;
    const pending = resource.asyncAttributesPending === true;
    described.push({ id, attributes: pending ? settledAttributes(resource) : resource.attributes, ...schemaUrlOf(resource) });
    if (!pending) this.#ids.set(resource, id);
    return id;
  }
}

function schemaUrlOf(resource: Resource): { schemaUrl?: string } {
  return resource.schemaUrl ? { schemaUrl: resource.schemaUrl } : {};
}

/**
 * `resource.attributes` while detection is still running logs an error and
 * is incomplete; the exit path cannot wait, so it takes what has settled.
 */
function settledAttributes(resource: Resource): Attributes {
  const settled: Attributes = {};
  for (const [key, value] of resource.getRawAttributes()) {
    const pending = typeof (value as PromiseLike<unknown> | undefined)?.then === "function";
    // First value wins, as in the SDK's own resource.
    if (!pending && value != null && settled[key] === undefined) settled[key] = value as AttributeValue;
  }
  return settled;
}
