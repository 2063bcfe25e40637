/**
 * `Retry-After` is either a number of seconds or an HTTP date (RFC 9110
 * §10.2.3). Both become a delay in milliseconds; anything unreadable, or a
 * date already past, becomes `undefined` so the caller falls back to its own
 * backoff.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Math.round(Number(text) * 1000);
  }
  // An HTTP date always has letters (day and month names); Date.parse alone would read "-5" as a year.
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  const delay = date - nowMs;
  return delay > 0 ? delay : 0;
}
