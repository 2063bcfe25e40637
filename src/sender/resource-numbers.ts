/**
 * Resources cross to the sender once each, by number: the first record of a
 * resource describes it in its batch, later ones only name the number (the
 * sender keeps the table, record-spans.ts). A resource whose asynchronous
 * attributes are still pending (a log record written at start-up, before
 * detection settled; the exit path, which cannot wait) is described with
 * what has settled, and described again under the same number, complete,
 * with the first record after it settled: the sender's table then holds the
 * complete one, also for the records it still queues. Its settling is set
 * off here, since nothing else may ever ask (an app that only logs: no span
 * processor waits for it).
 */
import type { Attributes, AttributeValue } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import type { ResourceRecord } from "./records.js";

interface Numbered {
  readonly id: number;
  /** Described with every attribute (not while async ones were pending). */
  readonly complete: boolean;
}

export class ResourceNumbers {
  readonly #numbered = new WeakMap<Resource, Numbered>();
  #next = 1;

  /** The resource's number, describing it in `described` the first time (and once more when it settles); 0 for none. */
  numberOf(resource: Resource | undefined, described: ResourceRecord[]): number {
    if (!resource) return 0;
    const known = this.#numbered.get(resource);
    if (known?.complete) return known.id;
    const pending = resource.asyncAttributesPending === true;
    if (known && pending) return known.id;
    const id = known?.id ?? this.#next++;
    if (pending) settleSoon(resource);
    described.push({ id, attributes: pending ? settledAttributes(resource) : resource.attributes, ...schemaUrlOf(resource) });
    this.#numbered.set(resource, { id, complete: !pending });
    return id;
  }
}

/** Sets off the resource's settling (what the SDK's batch processors do before an export). */
function settleSoon(resource: Resource): void {
  try {
    resource.waitForAsyncAttributes?.().catch(() => undefined);
  } catch {
    // A resource of another make: it stays described with what has settled.
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
