/**
 * Turns an attribute map into the string map the contract wants, applying
 * the privacy settings on the way: credentials redacted, credential-like
 * query values in URLs hidden, long values cut.
 */
import type { Attributes } from "@opentelemetry/api";
import { stringifyAttributeValue } from "./attribute-value.js";
import { createKeyRedactor, REDACTED, type KeyRedactor } from "./redaction.js";
import { truncateString } from "./truncate.js";
import { createUrlRedactor, isUrlAttribute, type UrlRedactor } from "./url-query-redaction.js";

export const DEFAULT_MAX_CONTENT_LENGTH = 4096;

export interface Privacy {
  readonly isRedacted: KeyRedactor;
  /** For the URL attributes (URL_ATTRIBUTE_KEYS) only. */
  readonly redactUrl: UrlRedactor;
  readonly maxContentLength: number;
}

/** `redactKeys` (AXONPUSH_REDACT_KEYS) name attribute keys and query parameters alike. */
export function createPrivacy(redactKeys: readonly string[] = [], maxContentLength?: number): Privacy {
  const max =
    maxContentLength !== undefined && Number.isFinite(maxContentLength) && maxContentLength > 0
      ? Math.floor(maxContentLength)
      : DEFAULT_MAX_CONTENT_LENGTH;
  return { isRedacted: createKeyRedactor(redactKeys), redactUrl: createUrlRedactor(redactKeys), maxContentLength: max };
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
    out[key] = privacy.isRedacted(key) ? REDACTED : truncateString(text, privacy.maxContentLength);
  }
  return out;
}
