/**
 * What a route answers. Kept as plain data so routes stay pure functions of
 * the request and the server alone touches the socket.
 */
import { randomUUID } from "node:crypto";

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /**
   * Set when the request broke the contract; the server records it in
   * `rejections` so tests can assert that nothing we sent was refused.
   */
  rejection?: string;
}

/** Same error shape as the API: `{ code, message, hint?, requestId }`. */
export function errorReply(status: number, code: string, message: string, hint?: string): Reply {
  const body: Record<string, string> = { code, message };
  if (hint !== undefined) body.hint = hint;
  body.requestId = randomUUID();
  return { status, body, rejection: message };
}

/** An injected failure: same body shape, but not counted as a rejection. */
export function injectedReply(status: number, retryAfter?: string): Reply {
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers["retry-after"] = retryAfter;
  return {
    status,
    headers,
    body: { code: "injected_failure", message: `injected failure (status ${status})`, requestId: randomUUID() },
  };
}
