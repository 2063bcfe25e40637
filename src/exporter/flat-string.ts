/**
 * Strings we build for an event body, joined into one flat string.
 *
 * V8 keeps `a + b` and a template literal of 13 characters or more as a "cons" string (a pair of pointers to its
 * parts), and a long `slice` as a "sliced" one (a window on its parent). Node 26's `JSON.stringify` takes its fast
 * path only while every string it meets is flat: a single cons string sends the whole event down the generic
 * path. With the span event's `dedupKey` built as a template literal, `JSON.stringify` of a span event took
 * 2.7 µs instead of 1.2 on Node 26 (bench/FINDINGS.md, 2026-12-08); Node 20 to 24 serialise both alike.
 * `Array.prototype.join` writes its result as one flat string, whatever its parts are.
 */
export function flatJoin(...parts: readonly string[]): string {
  return parts.join("");
}
