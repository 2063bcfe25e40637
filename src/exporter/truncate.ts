import { flatJoin } from "./flat-string.js";

/**
 * Cuts strings longer than `maxLength` and says so, so a reader of the event
 * knows the value was longer (AXONPUSH_MAX_CONTENT_LENGTH).
 */
export function truncateString(value: string, maxLength: number): string {
  if (value.length <= maxLength) return value;
  const kept = headOf(value, maxLength);
  return flatJoin(kept, `…[truncated ${value.length - kept.length} chars]`);
}

/** The first `length` characters, one fewer rather than half a surrogate pair (half an emoji is not valid text). */
export function headOf(value: string, length: number): string {
  let cut = length;
  const last = value.charCodeAt(cut - 1);
  if (cut > 0 && last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return value.slice(0, cut);
}
