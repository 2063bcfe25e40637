/**
 * `payload.resource`: every resource attribute as a string, with the
 * exporter's own service name, version and environment winning over what the
 * resource says (constructor options are the user's explicit choice).
 *
 * A provider shares one Resource object between all its spans, so the result
 * is computed once per Resource and reused, but only once its asynchronous
 * attributes (host / process detectors) have settled: before that, the map
 * would be incomplete and must not be cached.
 */
import type { AttributeValue, Attributes } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import { toStringAttributes, type Privacy } from "./privacy.js";

export interface ResourceOverrides {
  serviceName?: string;
  serviceVersion?: string;
  environment?: string;
}

export type ResourceMapper = (resource: Resource | undefined) => Record<string, string>;

export function createResourceMapper(overrides: ResourceOverrides, privacy: Privacy): ResourceMapper {
  const cache = new WeakMap<Resource, Record<string, string>>();
  return (resource) => {
    if (!resource) return applyOverrides({}, overrides);
    const cached = cache.get(resource);
    if (cached) return cached;
    const mapped = applyOverrides(toStringAttributes(settledAttributes(resource), privacy), overrides);
    if (!resource.asyncAttributesPending) cache.set(resource, mapped);
    return mapped;
  };
}

/**
 * `resource.attributes` while detection is still running logs an error and
 * is incomplete; the exit path cannot wait, so it takes what has settled.
 */
function settledAttributes(resource: Resource): Attributes {
  if (!resource.asyncAttributesPending) return resource.attributes;
  const settled: Attributes = {};
  for (const [key, value] of resource.getRawAttributes()) {
    const pending = typeof (value as PromiseLike<unknown> | undefined)?.then === "function";
    // First value wins, as in the SDK's own resource.
    if (!pending && value != null && settled[key] === undefined) settled[key] = value as AttributeValue;
  }
  return settled;
}

function applyOverrides(attributes: Record<string, string>, overrides: ResourceOverrides): Record<string, string> {
  if (overrides.serviceName) attributes["service.name"] = overrides.serviceName;
  // OpenTelemetry's own fallback, for a hand-made span without a resource: the API's views need a name.
  else if (!attributes["service.name"]) attributes["service.name"] = "unknown_service:node";
  if (overrides.serviceVersion) attributes["service.version"] = overrides.serviceVersion;
  if (overrides.environment) {
    attributes["deployment.environment"] = overrides.environment;
    // Keep the newer semantic-convention key consistent when the resource has it.
    if (attributes["deployment.environment.name"] !== undefined) {
      attributes["deployment.environment.name"] = overrides.environment;
    }
  } else if (attributes["deployment.environment"] === undefined && attributes["deployment.environment.name"] !== undefined) {
    // The contract's key is `deployment.environment`; newer SDKs only set the `.name` form.
    attributes["deployment.environment"] = attributes["deployment.environment.name"];
  }
  return attributes;
}
