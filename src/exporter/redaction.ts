/**
 * Which attribute keys carry credentials. A pattern matches whole
 * dot-separated segments of a key, case-insensitively: `authorization`
 * matches `http.request.header.authorization` and `authorization`, a
 * multi-segment pattern like `user.email` matches `app.user.email`; but
 * `token` does not match `gen_ai.usage.prompt_tokens` or `max_tokens`, which
 * are counts, not secrets.
 */

export const REDACTED = "[REDACTED]";

/**
 * Always redacted, whatever AXONPUSH_REDACT_KEYS says: headers and fields that
 * carry credentials. Every key AxonPush's SDKs treat as a secret (their
 * `api[-_.]?key`, `access[-_.]?token`, `refresh[-_.]?token`,
 * `private[-_.]?key`… as whole keys) is among them, so both redact alike.
 */
export const DEFAULT_REDACT_KEYS: readonly string[] = [
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "api-key",
  "api_key",
  "api.key",
  "apikey",
  "x-auth-token",
  "auth-token",
  "auth_token",
  "access_token",
  "access-token",
  "access.token",
  "accesstoken",
  "refresh_token",
  "refresh-token",
  "refresh.token",
  "refreshtoken",
  "id_token",
  "token",
  "client_secret",
  "secret",
  "password",
  "passwd",
  "private_key",
  "private-key",
  "private.key",
  "privatekey",
  "x-amz-security-token",
];

export type KeyRedactor = (key: string) => boolean;

export function createKeyRedactor(extraKeys: readonly string[] = []): KeyRedactor {
  const patterns = [...DEFAULT_REDACT_KEYS, ...extraKeys]
    .map((key) => key.trim().toLowerCase())
    .filter((key) => key.length > 0);
  const exact = new Set(patterns);
  const cache = new Map<string, boolean>();
  return (key: string): boolean => {
    let verdict = cache.get(key);
    if (verdict === undefined) {
      verdict = matchesAnySegment(key.toLowerCase(), patterns, exact);
      // Keys repeat across spans; the cache stays small because key sets are small.
      if (cache.size < 10_000) cache.set(key, verdict);
    }
    return verdict;
  };
}

function matchesAnySegment(key: string, patterns: readonly string[], exact: ReadonlySet<string>): boolean {
  if (exact.has(key)) return true;
  for (const pattern of patterns) {
    if (
      key.endsWith(`.${pattern}`) ||
      key.startsWith(`${pattern}.`) ||
      key.includes(`.${pattern}.`)
    ) {
      return true;
    }
  }
  return false;
}
