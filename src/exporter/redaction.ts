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

/**
 * Semantic-convention attributes whose keys hold a credential word above but
 * whose values are no credential (a token's type, an authorization policy's
 * name and result, a secret's ARN): kept, unless AXONPUSH_REDACT_KEYS names them.
 */
const NAMED_LIKE_CREDENTIALS: ReadonlySet<string> = new Set([
  "gen_ai.token.type",
  "aspnetcore.authorization.policy",
  "aspnetcore.authorization.result",
  "aws.secretsmanager.secret.arn",
]);

export type KeyRedactor = (key: string) => boolean;

interface Patterns {
  readonly list: readonly string[];
  readonly exact: ReadonlySet<string>;
}

function patternsOf(keys: readonly string[]): Patterns {
  const list = keys.map((key) => key.trim().toLowerCase()).filter((key) => key.length > 0);
  return { list, exact: new Set(list) };
}

export function createKeyRedactor(extraKeys: readonly string[] = []): KeyRedactor {
  const defaults = patternsOf(DEFAULT_REDACT_KEYS);
  const extra = patternsOf(extraKeys);
  const cache = new Map<string, boolean>();
  return (key: string): boolean => {
    let verdict = cache.get(key);
    if (verdict === undefined) {
      const lower = key.toLowerCase();
      verdict =
        (!NAMED_LIKE_CREDENTIALS.has(lower) && matchesAnySegment(lower, defaults)) || matchesAnySegment(lower, extra);
      // Keys repeat across spans; the cache stays small because key sets are small.
      if (cache.size < 10_000) cache.set(key, verdict);
    }
    return verdict;
  };
}

function matchesAnySegment(key: string, { list, exact }: Patterns): boolean {
  if (exact.has(key)) return true;
  for (const pattern of list) {
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
