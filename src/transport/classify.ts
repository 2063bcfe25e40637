/**
 * Which HTTP answers are worth another try. Follows the API contract: 408,
 * 429 and 5xx are transient; every other 4xx means the request itself (or
 * its credentials) is wrong and sending it again cannot help.
 */
import type { SendResult } from "./types.js";

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

export function classifyResponse(
  status: number,
  message: string,
  retryAfterMs: number | undefined,
): SendResult {
  if (status >= 200 && status <= 299) return { kind: "success", status };
  if (isRetryableStatus(status)) {
    return retryAfterMs === undefined
      ? { kind: "retryable", status, message }
      : { kind: "retryable", status, message, retryAfterMs };
  }
  return { kind: "failure", status, message };
}

/**
 * The server's own words for a rejection: `message` (and `hint`) of the
 * `{ code, message, hint, requestId }` error body, else the raw text, kept
 * short because it ends up in a warning line.
 */
export function errorMessageFrom(status: number, body: string): string {
  let detail = body.trim();
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object") {
      const { message, hint } = parsed as { message?: unknown; hint?: unknown };
      const text = Array.isArray(message) ? message.join("; ") : typeof message === "string" ? message : "";
      if (text) detail = typeof hint === "string" && hint ? `${text} (${hint})` : text;
    }
  } catch {
    // Not JSON: keep the raw text.
  }
  if (detail.length > 300) detail = `${detail.slice(0, 300)}…`;
  return detail ? `HTTP ${status}: ${detail}` : `HTTP ${status}`;
}
