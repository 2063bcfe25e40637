/**
 * What our HTTP/1.1 client (http1-transport.ts) needs around it: the base URL
 * it accepts, how long idle sockets stay, how much of an answer is read, and
 * how an answer becomes a SendResult.
 */
import { classifyResponse, errorMessageFrom } from "./classify.js";
import { refusedPropertyNames } from "./property-refusal.js";
import { parseRetryAfter } from "./retry-after.js";
import type { SendResult } from "./types.js";

/** Idle pooled sockets are closed after this, well before typical load balancer idle limits. */
export const IDLE_SOCKET_TIMEOUT_MS = 15_000;
/** Only the error message (or an OTLP partial success) of an answer is read; a larger body is not ours to keep. */
export const MAX_RESPONSE_BYTES = 16 * 1024;

export function parseBaseUrl(baseUrl: string): URL | undefined {
  try {
    const url = new URL(baseUrl);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** One whole answer as a result: any 2xx a success (with its bytes, if any), the rest classified with the server's words. */
export function resultOfAnswer(status: number, body: Buffer, retryAfter: string | string[] | undefined): SendResult {
  const retryAfterMs = parseRetryAfter(retryAfter);
  if (status >= 200 && status <= 299) {
    return body.byteLength > 0 ? { kind: "success", status, body } : { kind: "success", status };
  }
  const text = body.toString("utf8");
  return classifyResponse(status, errorMessageFrom(status, text), retryAfterMs, refusedPropertyNames(status, text));
}
