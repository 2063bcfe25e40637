/**
 * The privacy rules every value passes before it leaves the process, built
 * from plain-data settings (so wherever spans or log records are mapped, a
 * worker thread included, the same settings give the same rules):
 * credentials redacted, content treated as AXONPUSH_CONTENT_CAPTURE says
 * (content-capture.ts), credential-like query values in URLs hidden, long
 * values cut.
 *
 * Three ways to apply them, one per shape of data: `toStringAttributes`
 * (the events mapping: every value a string), `privateAttributes` in
 * otlp-span-view.ts (OTLP: values keep their types) and `redactTelemetry`
 * (any nested value, e.g. a log record's body).
 */
import type { Attributes } from "@opentelemetry/api";
import { stringifyAttributeValue } from "./attribute-value.js";
import { contentCaptureMode, isContentKey, previewContent, type ContentCaptureMode } from "./content-capture.js";
import { createKeyRedactor, REDACTED } from "./redaction.js";
import { truncateString } from "./truncate.js";
import { createUrlRedactor, isUrlAttribute, type UrlRedactor } from "./url-query-redaction.js";

export const DEFAULT_MAX_CONTENT_LENGTH = 4096;

/** Plain data: what the exporter's settings carry, and all a Privacy is built from. */
export interface PrivacySettings {
  /** AXONPUSH_REDACT_KEYS: attribute keys and query parameters, on top of the credential ones always redacted. */
  readonly redactKeys?: readonly string[];
  /** AXONPUSH_MAX_CONTENT_LENGTH; default 4096. */
  readonly maxContentLength?: number;
  /** AXONPUSH_CONTENT_CAPTURE; default `metadata_only`, as in AxonPush's SDKs. */
  readonly contentCapture?: ContentCaptureMode;
}

/**
 * What happens to the value under a key: replaced by `[REDACTED]` (a
 * credential, a key of AXONPUSH_REDACT_KEYS, or content under
 * `metadata_only`), cut to a preview (content under `redacted`), or kept
 * (cut at `maxContentLength` only).
 */
export type KeyTreatment = "redact" | "preview" | "keep";

export interface Privacy {
  readonly treatmentOf: (key: string) => KeyTreatment;
  /** For the URL attributes (URL_ATTRIBUTE_KEYS) only. */
  readonly redactUrl: UrlRedactor;
  readonly maxContentLength: number;
  readonly contentCapture: ContentCaptureMode;
}

export function createPrivacy(settings: PrivacySettings = {}): Privacy {
  const { maxContentLength, redactKeys = [] } = settings;
  const max =
    maxContentLength !== undefined && Number.isFinite(maxContentLength) && maxContentLength > 0
      ? Math.floor(maxContentLength)
      : DEFAULT_MAX_CONTENT_LENGTH;
  const contentCapture = contentCaptureMode(settings.contentCapture ?? undefined);
  return {
    treatmentOf: createKeyTreatment(redactKeys, contentCapture),
    redactUrl: createUrlRedactor(redactKeys),
    maxContentLength: max,
    contentCapture,
  };
}

function createKeyTreatment(redactKeys: readonly string[], mode: ContentCaptureMode): (key: string) => KeyTreatment {
  const isRedacted = createKeyRedactor(redactKeys);
  const forContent: KeyTreatment = mode === "metadata_only" ? "redact" : mode === "redacted" ? "preview" : "keep";
  const cache = new Map<string, KeyTreatment>();
  return (key) => {
    let treatment = cache.get(key);
    if (treatment === undefined) {
      treatment = isRedacted(key) ? "redact" : isContentKey(key) ? forContent : "keep";
      // Keys repeat across spans; the cache stays small because key sets are small.
      if (cache.size < 10_000) cache.set(key, treatment);
    }
    return treatment;
  };
}

/** A string under a key that is not redacted: a preview for content under `redacted`, else cut at `maxContentLength`. */
export function cutText(text: string, treatment: KeyTreatment, privacy: Privacy): string {
  return treatment === "preview" ? previewContent(text, privacy.maxContentLength) : truncateString(text, privacy.maxContentLength);
}

/**
 * A URL attribute's value (isUrlAttribute) with credential-like query values
 * hidden, also in each string of an array, which a hand-built span may
 * carry; the same value back when nothing was hidden.
 */
export function withoutUrlSecrets<T>(key: string, value: T, privacy: Privacy): T {
  if (typeof value === "string") return privacy.redactUrl(key, value) as T;
  if (!Array.isArray(value)) return value;
  let out: unknown[] | undefined;
  value.forEach((item: unknown, i) => {
    if (typeof item !== "string") return;
    const hidden = privacy.redactUrl(key, item);
    if (hidden !== item) (out ??= [...value])[i] = hidden;
  });
  return (out ?? value) as T;
}

export function toStringAttributes(attributes: Attributes | undefined, privacy: Privacy): Record<string, string> {
  const out: Record<string, string> = {};
  if (!attributes) return out;
  for (const key of Object.keys(attributes)) {
    // Hidden before cut, so a cut never leaves half a secret behind.
    const value = isUrlAttribute(key) ? withoutUrlSecrets(key, attributes[key], privacy) : attributes[key];
    const text = stringifyAttributeValue(value);
    if (text === undefined) continue;
    const treatment = privacy.treatmentOf(key);
    out[key] = treatment === "redact" ? REDACTED : cutText(text, treatment, privacy);
  }
  return out;
}

/**
 * Any value, nested to any depth (a log record's body, structured
 * attributes), as AxonPush's SDKs redact telemetry: every key of every
 * object decides for its value, strings are cut, and under `redacted` a
 * content key's whole subtree is previewed. Returns new arrays and objects,
 * never changes the value given; what is neither string, array nor plain
 * object comes back as it is.
 */
export function redactTelemetry(value: unknown, privacy: Privacy): unknown {
  return redactWithin(value, privacy, false);
}

function redactWithin(value: unknown, privacy: Privacy, inContent: boolean): unknown {
  if (typeof value === "string") return cutText(value, inContent ? "preview" : "keep", privacy);
  if (Array.isArray(value)) return value.map((item) => redactWithin(item, privacy, inContent));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const treatment = privacy.treatmentOf(key);
    out[key] = treatment === "redact" ? REDACTED : redactWithin(child, privacy, inContent || treatment === "preview");
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
