/**
 * Turns an attribute map into the string map the contract wants, applying
 * the privacy settings on the way: credentials redacted, long values cut.
 */
import type { Attributes } from "@opentelemetry/api";
import { stringifyAttributeValue } from "./attribute-value.js";
import { createKeyRedactor, REDACTED, type KeyRedactor } from "./redaction.js";
import { truncateString } from "./truncate.js";

export const DEFAULT_MAX_CONTENT_LENGTH = 4096;

export interface Privacy {
  readonly isRedacted: KeyRedactor;
  readonly maxContentLength: number;
}

export function createPrivacy(redactKeys: readonly string[] = [], maxContentLength?: number): Privacy {
  const max =
    maxContentLength !== undefined && Number.isFinite(maxContentLength) && maxContentLength > 0
      ? Math.floor(maxContentLength)
      : DEFAULT_MAX_CONTENT_LENGTH;
  return { isRedacted: createKeyRedactor(redactKeys), maxContentLength: max };
}

export function toStringAttributes(attributes: Attributes | undefined, privacy: Privacy): Record<string, string> {
  const out: Record<string, string> = {};
  if (!attributes) return out;
  for (const key of Object.keys(attributes)) {
    const text = stringifyAttributeValue(attributes[key]);
    if (text === undefined) continue;
    out[key] = privacy.isRedacted(key) ? REDACTED : truncateString(text, privacy.maxContentLength);
  }
  return out;
}
