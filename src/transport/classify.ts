/**
 * Which HTTP answers are worth another try, and what the server said.
 * Follows the API contract: any 2xx is success (the first backend answers
 * 201, the current one 200); 408, 429 and 5xx are transient; every other 4xx
 * means the request itself (or its credentials) is wrong and sending it again
 * as it is cannot help.
 */
import type { SendResult } from "./types.js";

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

export function classifyResponse(
  status: number,
  message: string,
  retryAfterMs: number | undefined,
  refusedProperties: readonly string[] = [],
): SendResult {
  if (status >= 200 && status <= 299) return { kind: "success", status };
  if (isRetryableStatus(status)) {
    return retryAfterMs === undefined
      ? { kind: "retryable", status, message }
      : { kind: "retryable", status, message, retryAfterMs };
  }
  return refusedProperties.length > 0 ? { kind: "failure", status, message, refusedProperties } : { kind: "failure", status, message };
}

/** Longest server text kept: it ends up in a warning line. */
const MAX_DETAIL_LENGTH = 300;

/**
 * The server's own words for a rejection, from either error shape:
 * - `{ code, message, hint, requestId }` (the first backend): message (hint);
 * - `application/problem+json` `{ title, detail, errors: [{ location, message }] }`
 *   (the current one): detail (first error's location: message);
 * else the raw text, kept short.
 */
export function errorMessageFrom(status: number, body: string): string {
  let detail = body.trim();
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object") detail = wordsOf(parsed as ErrorBody) || detail;
  } catch {
    // Not JSON: keep the raw text.
  }
  if (detail.length > MAX_DETAIL_LENGTH) detail = `${detail.slice(0, MAX_DETAIL_LENGTH)}…`;
  return detail ? `HTTP ${status}: ${detail}` : `HTTP ${status}`;
}

interface ErrorBody {
  message?: unknown;
  hint?: unknown;
  detail?: unknown;
  title?: unknown;
  errors?: unknown;
}

function wordsOf(body: ErrorBody): string {
  const message = Array.isArray(body.message) ? body.message.filter((m) => typeof m === "string").join("; ") : text(body.message);
  const main = message || text(body.detail) || text(body.title);
  const extra = text(body.hint) || firstError(body.errors);
  if (!main) return extra;
  return extra && extra !== main ? `${main} (${extra})` : main;
}

function firstError(errors: unknown): string {
  if (!Array.isArray(errors) || errors.length === 0) return "";
  const first = errors[0] as { location?: unknown; message?: unknown } | null;
  if (!first || typeof first !== "object") return "";
  const location = text(first.location);
  const message = text(first.message);
  const more = errors.length > 1 ? ` and ${errors.length - 1} more` : "";
  if (location && message) return `${location}: ${message}${more}`;
  return (location || message) + (location || message ? more : "");
}

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}
