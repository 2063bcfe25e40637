/**
 * How long to wait before the next try: exponential backoff with jitter, as
 * the official AxonPush SDKs do (250 ms, 500 ms, 1 s, 2 s, 4 s …), unless the
 * server said how long with `Retry-After`.
 */
export interface BackoffPolicy {
  /** First wait, doubled on every further retry. */
  readonly baseDelayMs: number;
  /** No single wait is longer, whether from backoff or from `Retry-After`. */
  readonly maxDelayMs: number;
  /** ± fraction applied to each backoff wait, so many clients do not retry in lockstep. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelayMs: 250, maxDelayMs: 30_000, jitter: 0.2 };

/** `retryIndex` 0 is the wait before the first retry. `random` returns [0, 1). */
export function backoffDelayMs(retryIndex: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  const factor = 1 + policy.jitter * (2 * random() - 1);
  return Math.min(policy.maxDelayMs, Math.max(0, Math.round(exponential * factor)));
}

/**
 * `Retry-After` wins over our own backoff (the server knows its load), capped
 * so a misconfigured server cannot park an event for hours.
 */
export function retryDelayMs(
  retryIndex: number,
  retryAfterMs: number | undefined,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), policy.maxDelayMs);
  return backoffDelayMs(retryIndex, policy, random);
}
