/**
 * Which query-parameter names carry credentials. A name is compared without
 * case and without separators (`_`, `-`, `.`, spaces, brackets), so
 * `access_token`, `Access-Token`, `accessToken` and `user[access_token]` are
 * the same name to it. Three kinds of entries:
 *
 * - credential words match at the END of any name: `token` hides `token`,
 *   `reset_token`, `X-Amz-Security-Token`, `pageToken`; `secret` hides
 *   `client_secret`; `signature` hides `X-Amz-Signature`. A plural is another
 *   word: `max_tokens=100` is a count and stays.
 * - whole names match only as the whole name, for words too common at the
 *   end of harmless names: `code` (an OAuth authorization code) but not
 *   `status_code`; `key` (Google API keys) but not `sort_key`; Azure's `sig`.
 * - AXONPUSH_REDACT_KEYS names match the whole name or its last words
 *   (`ssn` hides `ssn`, `customer_ssn`, `customerSsn`, not `lessn`), as those
 *   keys match whole dot-segments of attribute keys.
 */

/** Hidden wherever they end a name. */
export const QUERY_CREDENTIAL_WORDS: readonly string[] = [
  // OAuth 2.0 / OIDC / OAuth 1.0a tokens of every kind, CSRF and session tokens, JWTs
  "token", // access_token, refresh_token, id_token, subject_token, actor_token, oauth_token, csrf_token, _token…
  "jwt",
  "assertion", // client_assertion, SAML and JWT bearer grants
  // secrets and passwords
  "secret", // client_secret, oauth_token_secret
  "password",
  "passwd",
  "pwd",
  "passphrase",
  // API and private keys
  "apikey", // api_key, x-api-key, apiKey
  "secretkey",
  "privatekey",
  "accesskey",
  "sessionkey",
  // signatures and signed-URL credentials
  "signature", // X-Amz-Signature, X-Goog-Signature, oauth_signature, AWS SigV2 and CloudFront Signature
  "credential", // X-Amz-Credential, X-Goog-Credential
  "credentials",
  "hmac",
  // session ids
  "sessionid", // session_id, sessionId, JSESSIONID
  // one-time passwords
  "otp",
];

/** Hidden only as the whole name. */
export const QUERY_CREDENTIAL_NAMES: readonly string[] = [
  "code", // OAuth authorization code: exchanged for tokens, as good as one while it is valid
  "authcode",
  "authorizationcode",
  "devicecode",
  "codeverifier", // PKCE
  "idtokenhint", // carries an ID token
  "oauthverifier",
  "auth",
  "authorization",
  "key", // Google API keys (?key=AIza…)
  "sig", // Azure shared access signatures
  "awsaccesskeyid", // AWS SigV2 presigned URLs
  "googleaccessid", // Google V2 signed URLs
  "samlresponse",
  "samlart",
  "session",
  "sid",
  "phpsessid",
  "pass",
  "pin",
];

export type QueryNameMatcher = (rawName: string) => boolean;

/** Lower-case, separators gone: the form every comparison uses. */
function squash(name: string): string {
  return name.toLowerCase().replace(/[\s_\-.[\]]+/g, "");
}

/** Words of a name, split at separators and at lower-to-upper case changes (`customerSsn`, `AWSAccessKeyId`). */
function words(name: string): string[] {
  return name
    .replace(/([a-z\d])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[\s_\-.[\]]+/)
    .filter((word) => word.length > 0);
}

/**
 * `%5F` and friends decoded, never throwing on a broken escape: a parameter
 * name reaches the server decoded, so `access%5Ftoken` is `access_token`.
 * `+` is a space in a query string.
 */
export function decodeName(raw: string): string {
  if (raw.indexOf("%") === -1 && raw.indexOf("+") === -1) return raw;
  return raw
    .replace(/\+/g, " ")
    .replace(/%([0-9a-fA-F]{2})/g, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const CACHE_LIMIT = 10_000;
const CACHEABLE_NAME_LENGTH = 128;

export function createQueryNameMatcher(extraNames: readonly string[] = []): QueryNameMatcher {
  const wholeNames = new Set(QUERY_CREDENTIAL_NAMES);
  const extras = new Set(extraNames.map(squash).filter((name) => name.length > 0));
  const isCredential = (name: string): boolean => {
    const squashed = squash(name);
    if (squashed.length === 0) return false;
    if (wholeNames.has(squashed) || extras.has(squashed)) return true;
    for (const word of QUERY_CREDENTIAL_WORDS) if (squashed.endsWith(word)) return true;
    if (extras.size > 0) {
      const parts = words(name);
      for (let i = 1; i < parts.length; i += 1) if (extras.has(parts.slice(i).join(""))) return true;
    }
    return false;
  };

  // Parameter names repeat from request to request; the verdict is kept per raw name.
  const cache = new Map<string, boolean>();
  return (rawName) => {
    let verdict = cache.get(rawName);
    if (verdict === undefined) {
      verdict = isCredential(decodeName(rawName));
      if (cache.size < CACHE_LIMIT && rawName.length <= CACHEABLE_NAME_LENGTH) cache.set(rawName, verdict);
    }
    return verdict;
  };
}
