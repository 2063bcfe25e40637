// Credential-like query values in URL attributes (url.full, url.query,
// http.url, http.target) are hidden before anything leaves the process, by
// either transport; names and the rest of the URL are kept.
import { beforeAll, describe, expect, it } from "vitest";
import { AxonPushClient } from "../src/client.js";
import { preparer } from "./helpers/prepare.js";
import { createOtlpSpanViewer } from "../src/exporter/otlp-span-view.js";
import { otlpRequest } from "../src/exporter/otlp-request.js";
import { createPrivacy } from "../src/exporter/privacy.js";
import { REDACTED } from "../src/exporter/redaction.js";
import { createResourceMapper } from "../src/exporter/resource.js";
import { createQueryNameMatcher } from "../src/exporter/url-query-names.js";
import { createUrlRedactor, URL_ATTRIBUTE_KEYS } from "../src/exporter/url-query-redaction.js";
import { loadOtlpTraceTypes, type OtlpTraceTypes } from "../src/receiver/otlp-schema.js";
import { makeSpan } from "./mapping-fixture.js";

const redact = createUrlRedactor();
const full = (url: string) => redact("url.full", url);
const query = (text: string) => redact("url.query", text);
const target = (text: string) => redact("http.target", text);

describe("URL redaction: what is read", () => {
  it("hides the value of a credential-like parameter in a relative target, keeping names and the rest", () => {
    expect(target("/reset?token=s3cr3t&user=ada")).toBe("/reset?token=REDACTED&user=ada");
    expect(redact("http.url", "http://127.0.0.1:8080/reset?user=ada&token=s3cr3t")).toBe(
      "http://127.0.0.1:8080/reset?user=ada&token=REDACTED",
    );
  });

  it("hides every credential in a full URL, repeated ones included", () => {
    expect(full("https://api.example.com/cb?access_token=a1&state=xyz&refresh_token=r1&access_token=a2&page=2")).toBe(
      "https://api.example.com/cb?access_token=REDACTED&state=xyz&refresh_token=REDACTED&access_token=REDACTED&page=2",
    );
  });

  it("reads url.query as a bare query string, with or without the leading ? undici records", () => {
    expect(query("token=x&a=b")).toBe("token=REDACTED&a=b");
    expect(query("?access_token=x&a=b")).toBe("?access_token=REDACTED&a=b");
    expect(query("a=b")).toBe("a=b");
  });

  it("reads a bare query string in the URL attributes too, but not a path that holds an =", () => {
    expect(target("token=x&a=b")).toBe("token=REDACTED&a=b");
    expect(target("/files/token=x")).toBe("/files/token=x");
    expect(full("https://example.com/a=b/c")).toBe("https://example.com/a=b/c");
  });

  it("decodes parameter names as a server would (percent escapes, + as space), never failing on a broken escape", () => {
    expect(query("access%5Ftoken=x&a=1")).toBe("access%5Ftoken=REDACTED&a=1");
    expect(query("%61ccess_token=x")).toBe("%61ccess_token=REDACTED");
    expect(query("client+secret=x")).toBe("client+secret=REDACTED");
    expect(query("%zz=1&token%=x&%E0%A4%A=2&to%6Ben=y")).toBe("%zz=1&token%=x&%E0%A4%A=2&to%6Ben=REDACTED");
  });

  it("matches names whatever their case and separators", () => {
    for (const name of ["ACCESS_TOKEN", "Access-Token", "accessToken", "accesstoken", "user[password]", "X-AMZ-SIGNATURE", "x-amz-signature", "AWSAccessKeyId", "awsaccesskeyid", "SIG"]) {
      expect(query(`${name}=v&a=1`), name).toBe(`${name}=REDACTED&a=1`);
    }
  });

  it("reads a fragment too, with or without a query before it", () => {
    expect(full("https://app.example.com/cb?a=1#access_token=x&token_type=bearer")).toBe(
      "https://app.example.com/cb?a=1#access_token=REDACTED&token_type=bearer",
    );
    expect(full("https://app.example.com/cb#id_token=x&state=s")).toBe("https://app.example.com/cb#id_token=REDACTED&state=s");
    expect(full("https://app.example.com/docs#section=2")).toBe("https://app.example.com/docs#section=2");
  });

  it("hides a secret whole up to the next &, even with a ; # or ? inside it", () => {
    expect(full("https://example.com/p?token=ab;cd#ef?gh&a=1")).toBe("https://example.com/p?token=REDACTED&a=1");
    expect(query("token=a=b=c&x=1")).toBe("token=REDACTED&x=1");
  });

  it("finds a credential behind ; (old form encoding), a stray ? or a #", () => {
    expect(query("a=1;token=x")).toBe("a=1;token=REDACTED");
    expect(target("/p?a=1?token=x")).toBe("/p?a=1?token=REDACTED");
    expect(query("a=1#token=x")).toBe("a=1#token=REDACTED");
  });

  it("keeps parameters without a value, empty values and empty pairs as they are", () => {
    expect(target("/p?token&debug")).toBe("/p?token&debug");
    expect(target("/p?token=&a=1")).toBe("/p?token=&a=1");
    expect(target("/p?&&token=x&&")).toBe("/p?&&token=REDACTED&&");
    expect(target("/p?=x&token")).toBe("/p?=x&token");
  });

  it("hands back the very same string when nothing is hidden", () => {
    const url = "https://example.com/search?q=otel&page=2";
    expect(full(url)).toBe(url);
    const plain = "https://example.com/users/42";
    expect(full(plain)).toBe(plain);
  });

  it("reads only the four URL attributes", () => {
    expect([...URL_ATTRIBUTE_KEYS].sort()).toEqual(["http.target", "http.url", "url.full", "url.query"]);
  });
});

describe("URL redaction: which names", () => {
  const isCredential = createQueryNameMatcher();

  it("hides tokens of every OAuth kind, secrets, passwords, keys, signatures and session ids by default", () => {
    const names = [
      // OAuth 2.0, OIDC, OAuth 1.0a, token exchange, PKCE, device flow
      "access_token", "refresh_token", "id_token", "token", "code", "client_secret", "client_assertion", "assertion",
      "code_verifier", "device_code", "id_token_hint", "subject_token", "actor_token", "oauth_token", "oauth_token_secret",
      "oauth_verifier", "oauth_signature", "jwt",
      // app tokens, CSRF, sessions
      "auth", "auth_token", "authorization", "api_token", "reset_token", "csrf_token", "_token", "authenticity_token",
      "session", "session_id", "sessionid", "sid", "JSESSIONID", "PHPSESSID", "session_token",
      // passwords and secrets
      "password", "passwd", "pwd", "pass", "passphrase", "new_password", "secret", "otp", "pin",
      // API and private keys
      "key", "api_key", "apikey", "x-api-key", "apiKey", "private_key", "secret_key", "access_key",
      // signed URLs: AWS (SigV4 and SigV2), Google, Azure SAS, CloudFront, webhooks
      "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "AWSAccessKeyId", "Signature",
      "X-Goog-Signature", "X-Goog-Credential", "GoogleAccessId", "sig", "hmac",
      // SAML
      "SAMLResponse", "SAMLart",
    ];
    for (const name of names) expect(isCredential(name), name).toBe(true);
  });

  it("keeps ordinary names, counts and words that merely end like a credential", () => {
    const names = [
      "q", "page", "id", "user", "state", "nonce", "scope", "redirect_uri", "client_id", "response_type", "token_type",
      "expires_in", "status_code", "error_code", "country_code", "sort_key", "monkey", "keyword", "max_tokens",
      "prompt_tokens", "password_reset", "secretary", "bypass", "codec", "X-Amz-Date", "X-Amz-Expires", "sv", "se", "sp",
    ];
    for (const name of names) expect(isCredential(name), name).toBe(false);
  });

  it("adds AXONPUSH_REDACT_KEYS names, matching the whole name or its last words", () => {
    const withExtras = createUrlRedactor(["invite", "user.email"]);
    expect(withExtras("url.query", "invite=i1&team_invite=i2&teamInvite=i3&invitee=keep&user_email=e&userEmail=e2")).toBe(
      "invite=REDACTED&team_invite=REDACTED&teamInvite=REDACTED&invitee=keep&user_email=REDACTED&userEmail=REDACTED",
    );
    // The defaults stay.
    expect(withExtras("url.query", "token=x")).toBe("token=REDACTED");
  });
});

/** A tiny seeded generator: the same cases on every run. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  return { pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]! };
}

describe("URL redaction on any text", () => {
  it("never throws and never lets a credential's value through, whatever surrounds it", () => {
    const rng = generator(12);
    const separators = ["&", ";", "#", "?", "&&"];
    const names = ["access_token", "Token", "X-Amz-Signature", "sig", "code", "access%5Ftoken", "user[password]"];
    const fillers = ["a=1", "b", "=", "c=", "page=2", "%zz", "x=y=z", "", "q=%E0%A4", "state=keep"];
    const starts = ["/p?", "https://h.example/p?", "?", "", "/p#", "http://h/a?b#"];
    for (let i = 0; i < 3000; i += 1) {
      const secret = `SECRET${i}x`;
      const parts = [rng.pick(fillers), `${rng.pick(names)}=${secret}`, rng.pick(fillers), rng.pick(fillers)];
      const text = rng.pick(starts) + parts.join(rng.pick(separators));
      for (const key of URL_ATTRIBUTE_KEYS) {
        const hidden = redact(key, text);
        expect(hidden, `${key}: ${text}`).not.toContain(secret);
        expect(hidden, `${key}: ${text}`).toContain(`=${"REDACTED"}`);
      }
    }
    for (const odd of ["", "=", "?", "#", "&", "?=", "?&=&", "%", "%%%=%%", "\u0000=\uffff", "😀=😀&token=😀", "a".repeat(10_000) + "?token=x"]) {
      for (const key of URL_ATTRIBUTE_KEYS) expect(() => redact(key, odd)).not.toThrow();
    }
  });
});

const client = new AxonPushClient({ apiKey: "ak_test_secret", tenantId: "tenant_1", baseUrl: "http://127.0.0.1:9" });

const SECRET_ATTRIBUTES = {
  "url.full": "http://127.0.0.1:4000/cb?access_token=tok-1&state=keep-me&page=2",
  "url.query": "?access_token=tok-1&state=keep-me&page=2",
  "http.url": "http://127.0.0.1:4000/reset?token=tok-2&user=ada",
  "http.target": "/reset?token=tok-2&user=ada&invite=inv-3",
  "url.path": "/cb",
  "http.method": "GET",
  "http.status_code": 200,
};
const HIDDEN_ATTRIBUTES = {
  "url.full": "http://127.0.0.1:4000/cb?access_token=REDACTED&state=keep-me&page=2",
  "url.query": "?access_token=REDACTED&state=keep-me&page=2",
  "http.url": "http://127.0.0.1:4000/reset?token=REDACTED&user=ada",
  "http.target": "/reset?token=REDACTED&user=ada&invite=REDACTED",
};

describe("both transports send URLs without their secrets", () => {
  let types: OtlpTraceTypes;
  beforeAll(async () => {
    types = (await loadOtlpTraceTypes())!;
  });

  const span = () =>
    makeSpan({
      attributes: SECRET_ATTRIBUTES,
      events: [{ name: "redirect", time: [1_700_000_000, 500], attributes: { "url.full": "https://h.example/x?code=c-4&a=1" } }],
    });

  it("events: span and event attributes", () => {
    const exporter = preparer({ client, channelId: "ch_1", redactKeys: ["invite"] });
    const body = exporter.prepare([span()])[0]!.body as string;
    for (const secret of ["tok-1", "tok-2", "inv-3", "c-4"]) expect(body).not.toContain(secret);
    const { payload } = JSON.parse(body);
    expect(payload.attributes).toMatchObject({ ...HIDDEN_ATTRIBUTES, "url.path": "/cb", "http.status_code": "200" });
    expect(payload.events[0].attributes["url.full"]).toBe("https://h.example/x?code=REDACTED&a=1");
  });

  it("otlp: span and event attributes, in the protobuf bytes themselves", () => {
    const privacy = createPrivacy({ redactKeys: ["invite"] });
    const viewSpans = createOtlpSpanViewer(privacy, createResourceMapper({}, privacy));
    const original = span();
    const request = otlpRequest([original], { channelId: "ch_1", viewSpans })!;
    const bytes = Buffer.from(request.body as Uint8Array).toString("latin1");
    for (const secret of ["tok-1", "tok-2", "inv-3", "c-4"]) expect(bytes).not.toContain(secret);
    const decoded: any = types.request.toObject(types.request.decode(request.body as Uint8Array), { longs: String });
    const sent = decoded.resourceSpans[0].scopeSpans[0].spans[0];
    const attributes = Object.fromEntries(sent.attributes.map((kv: any) => [kv.key, kv.value.stringValue ?? kv.value.intValue]));
    expect(attributes).toMatchObject({ ...HIDDEN_ATTRIBUTES, "url.path": "/cb", "http.status_code": "200" });
    expect(sent.events[0].attributes[0].value.stringValue).toBe("https://h.example/x?code=REDACTED&a=1");
    // The span other processors see is untouched.
    expect(original.attributes["url.full"]).toBe(SECRET_ATTRIBUTES["url.full"]);
  });

  it("a key in AXONPUSH_REDACT_KEYS still hides the whole URL, and URLs are hidden before they are cut", () => {
    const exporter = preparer({ client, channelId: "ch_1", redactKeys: ["url.full"], maxContentLength: 30 });
    const { payload } = JSON.parse(exporter.prepare([span()])[0]!.body as string);
    expect(payload.attributes["url.full"]).toBe(REDACTED);
    expect(payload.attributes["http.target"]).toBe("/reset?token=REDACTED&user=ada…[truncated 13 chars]");
  });

  it("hides secrets in each string of a URL array, leaving other values alone", () => {
    const exporter = preparer({ client, channelId: "ch_1" });
    const hand = makeSpan({ attributes: { "url.full": ["https://h/a?token=t-5", "https://h/b"], "url.query": 7 as never, "app.url": "https://h/?token=own" } });
    const { payload } = JSON.parse(exporter.prepare([hand])[0]!.body as string);
    expect(payload.attributes["url.full"]).toBe('["https://h/a?token=REDACTED","https://h/b"]');
    expect(payload.attributes["url.query"]).toBe("7");
    // Only the four URL attributes are read: an app's own attribute is its own business (AXONPUSH_REDACT_KEYS covers it).
    expect(payload.attributes["app.url"]).toBe("https://h/?token=own");
  });
});
