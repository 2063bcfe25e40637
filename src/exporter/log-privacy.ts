/**
 * The privacy rules (privacy.ts) for a log record's body and attributes,
 * which unlike span attributes may be nested maps and lists: every key at
 * every depth decides for its value (`redactTelemetry`), strings are cut at
 * AXONPUSH_MAX_CONTENT_LENGTH, credential-like query values in URL
 * attributes are hidden, bytes become base64.
 *
 * Two shapes, one per transport: every value a string for `app.log` events
 * (structured ones as JSON, cut as a whole too), types kept for OTLP.
 */
import type { Attributes } from "@opentelemetry/api";
import { cutText, redactTelemetry, toStringAttributes, type Privacy } from "./privacy.js";
import { privateAttributes } from "./otlp-span-view.js";
import { stringifyAttributeValue } from "./attribute-value.js";
import { truncateString } from "./truncate.js";

/** A map or a list holding more than strings, numbers and booleans: what span attributes never are. */
function isStructured(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (value instanceof Uint8Array) return true;
  if (!Array.isArray(value)) return true;
  return value.some((item) => item !== null && typeof item === "object");
}

/** Bytes as base64, at any depth (JSON would spell a Uint8Array as a map of indices). */
function withBytesAsBase64(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  if (Array.isArray(value)) return value.map(withBytesAsBase64);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) out[key] = withBytesAsBase64(child);
  return out;
}

/** A structured value under `key`, the rules applied inside it. */
function privateStructured(key: string, value: unknown, privacy: Privacy): unknown {
  const plain = withBytesAsBase64(value);
  // Content under `redacted`: a preview of the whole, as a span attribute's value would be.
  if (privacy.treatmentOf(key) === "preview") return cutText(stringifyAttributeValue(plain) ?? "", "preview", privacy);
  return redactTelemetry(plain, privacy);
}

/** Structured values made private; the same object back when there are none (the common case). */
function withPrivateStructured(attributes: Readonly<Record<string, unknown>>, privacy: Privacy): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (!isStructured(value) || privacy.treatmentOf(key) === "redact") continue;
    out ??= { ...attributes };
    out[key] = privateStructured(key, value, privacy);
  }
  return out ?? (attributes as Record<string, unknown>);
}

/** For `app.log` events: every attribute a string (structured ones as JSON), absent ones dropped. */
export function logAttributesAsStrings(attributes: Readonly<Record<string, unknown>>, privacy: Privacy): Record<string, string> {
  return toStringAttributes(withPrivateStructured(attributes, privacy) as Attributes, privacy);
}

/** For OTLP: types kept, the rules applied at every depth. */
export function privateLogAttributes(attributes: Readonly<Record<string, unknown>>, privacy: Privacy): Record<string, unknown> {
  return privateAttributes(withPrivateStructured(attributes, privacy) as Attributes, privacy);
}

/** For `app.log` events: the message, a structured body as JSON; cut. `""` when there is none. */
export function logBodyAsText(body: unknown, privacy: Privacy): string {
  if (typeof body === "string") return truncateString(body, privacy.maxContentLength);
  if (body === undefined || body === null) return "";
  const text = stringifyAttributeValue(isStructured(body) ? redactTelemetry(withBytesAsBase64(body), privacy) : body) ?? "";
  return truncateString(text, privacy.maxContentLength);
}

/** For OTLP: the body with the rules applied inside it, types kept. */
export function privateLogBody(body: unknown, privacy: Privacy): unknown {
  if (typeof body === "string") return truncateString(body, privacy.maxContentLength);
  return isStructured(body) && !(body instanceof Uint8Array) ? redactTelemetry(body, privacy) : body;
}
