/**
 * Hides the values of credential-like query parameters in the URL
 * attributes instrumentations record (`url.full`, `url.query`, `http.url`,
 * `http.target`): `/reset?token=abc&user=ada` is sent as
 * `/reset?token=REDACTED&user=ada`. Names, order, separators and the rest of
 * the URL stay as they were; the marker is OpenTelemetry's own `REDACTED`
 * (semantic conventions, `url.query`), which needs no escaping in a URL.
 *
 * No URL parser: targets are often relative (`/reset?token=x`) or a bare
 * query (`token=x&a=b`), and the WHATWG parser would throw on those and
 * re-encode the rest. The scan below reads any text and never throws.
 *
 * Reading a value:
 * - pairs are split at `&`, and also at `;` (old form encoding), `#` and a
 *   stray `?`, so a secret behind any of them is still found;
 * - a hidden value runs to the next `&` only: a `;` or `#` inside a secret
 *   (malformed, or a fragment right behind it) is hidden with it;
 * - an empty value stays empty, a parameter without `=` has no value to hide.
 */
import { flatJoin } from "./flat-string.js";
import { createQueryNameMatcher, type QueryNameMatcher } from "./url-query-names.js";

export const QUERY_REDACTED = "REDACTED";

/** The attributes whose string values are read as URLs or query strings; no other is looked at. */
export const URL_ATTRIBUTE_KEYS: ReadonlySet<string> = new Set(["url.full", "url.query", "http.url", "http.target"]);

/** Asked for every attribute key: the length test (8, 9 or 11) spares most keys the set lookup. */
export function isUrlAttribute(key: string): boolean {
  const length = key.length;
  return (length === 8 || length === 9 || length === 11) && URL_ATTRIBUTE_KEYS.has(key);
}

export type UrlRedactor = (key: string, value: string) => string;

const AMPERSAND = 0x26;
const SEMICOLON = 0x3b;
const HASH = 0x23;
const QUESTION = 0x3f;
const EQUALS = 0x3d;

const endsPair = (code: number) => code === AMPERSAND || code === SEMICOLON || code === HASH || code === QUESTION;

/** Where the parameters of `value` begin, or -1 when it has none to read. */
function paramsStart(key: string, value: string, firstEquals: number): number {
  // The query itself; the leading `?` undici records is skipped.
  if (key === "url.query") return value.charCodeAt(0) === QUESTION ? 1 : 0;
  const question = value.indexOf("?");
  const hash = value.indexOf("#");
  if (question !== -1 || hash !== -1) {
    return (question === -1 ? hash : hash === -1 ? question : Math.min(question, hash)) + 1;
  }
  // No `?`: a bare query string (`token=x&a=b`) when no `/` comes before its first `=`; otherwise a path.
  const slash = value.indexOf("/");
  return slash === -1 || slash > firstEquals ? 0 : -1;
}

/** Hides credential values in the parameters from `from` on; the same string back when none is hidden. */
export function redactQueryParams(value: string, from: number, isCredential: QueryNameMatcher): string {
  const length = value.length;
  let out = "";
  let copiedUpTo = 0;
  let at = from;
  while (at < length) {
    let nameEnd = at;
    while (nameEnd < length) {
      const code = value.charCodeAt(nameEnd);
      if (code === EQUALS || endsPair(code)) break;
      nameEnd += 1;
    }
    const hasValue = nameEnd < length && value.charCodeAt(nameEnd) === EQUALS;
    if (hasValue && nameEnd > at && isCredential(value.slice(at, nameEnd))) {
      let valueEnd = value.indexOf("&", nameEnd + 1);
      if (valueEnd === -1) valueEnd = length;
      if (valueEnd > nameEnd + 1) {
        out += value.slice(copiedUpTo, nameEnd + 1) + QUERY_REDACTED;
        copiedUpTo = valueEnd;
      }
      at = valueEnd + 1;
      continue;
    }
    let pairEnd = nameEnd;
    if (hasValue) {
      pairEnd += 1;
      while (pairEnd < length && !endsPair(value.charCodeAt(pairEnd))) pairEnd += 1;
    }
    at = pairEnd + 1;
  }
  // Flat, so the event serialises on JSON.stringify's fast path (flat-string.ts).
  return copiedUpTo === 0 ? value : flatJoin(out, value.slice(copiedUpTo));
}

/**
 * `extraNames` are AXONPUSH_REDACT_KEYS. The common value costs one
 * `indexOf`: without an `=` there is no parameter value to hide.
 */
export function createUrlRedactor(extraNames: readonly string[] = []): UrlRedactor {
  const isCredential = createQueryNameMatcher(extraNames);
  return (key, value) => {
    const firstEquals = value.indexOf("=");
    if (firstEquals === -1) return value;
    const from = paramsStart(key, value, firstEquals);
    return from === -1 ? value : redactQueryParams(value, from, isCredential);
  };
}
