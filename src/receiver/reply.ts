/**
 * What a route answers. Kept as plain data so routes stay pure functions of
 * the request and the server alone touches the socket. A refusal is a
 * `Problem`, written once in words both error shapes can carry; the server
 * renders it the way the imitated API version does (see problem-body.ts).
 */

/** One entry of go's `errors[]`: where in the request, and what is wrong there. */
export interface ProblemDetail {
  location: string;
  message: string;
  value?: unknown;
}

export interface Problem {
  /** nest's `code`. */
  code: string;
  /** nest's `message`; go's `detail` unless `detail` is given. */
  message: string;
  /** nest's `hint`. */
  hint?: string;
  /** go's `detail`, when it differs from the nest message (e.g. "validation failed"). */
  detail?: string;
  /** go's `errors[]`. */
  errors?: ProblemDetail[];
}

export interface Reply {
  status: number;
  /** The success body (JSON value, or bytes for OTLP protobuf). */
  body?: unknown;
  /** Set on a refusal instead of `body`. */
  problem?: Problem;
  headers?: Record<string, string>;
  /**
   * Set when the request broke the contract; the server records it in
   * `rejections` (with the problem's own words) so tests can assert that
   * nothing we sent was refused.
   */
  rejected?: boolean;
  /** A refusal inside a success answer (OTLP partial success), recorded in `rejections` with this text. */
  rejection?: string;
}

/** A contract refusal: recorded in `rejections`. */
export function errorReply(status: number, code: string, message: string, hint?: string): Reply {
  const problem: Problem = { code, message };
  if (hint !== undefined) problem.hint = hint;
  return { status, problem, rejected: true };
}

/**
 * A body property that failed validation, named the way each version names
 * it: nest in its message, go as `errors[].location = body.<field>`.
 */
export function fieldReply(status: number, code: string, field: string, problemText: string, value: unknown): Reply {
  const detail: ProblemDetail = { location: field === "body" ? "body" : `body.${field}`, message: problemText };
  if (value !== undefined) detail.value = value;
  return {
    status,
    problem: { code, message: `${field} ${problemText}`, detail: "validation failed", errors: [detail] },
    rejected: true,
  };
}

/** An injected failure: the version's error shape, but not counted as a rejection. */
export function injectedReply(status: number, retryAfter?: string): Reply {
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers["retry-after"] = retryAfter;
  return { status, headers, problem: { code: "injected_failure", message: `injected failure (status ${status})` } };
}
