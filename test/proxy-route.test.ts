// Unit tests of http1/proxy-route.ts: which proxy variable applies to the backend, NO_PROXY as curl reads it,
// and the proxy URL itself (scheme, host, port, credentials). Pure functions: no sockets.
import { describe, expect, it } from "vitest";
import type { Endpoint } from "../src/transport/http1/connection.js";
import { bypassesProxy, parseProxyUrl, proxyRouteFor } from "../src/transport/http1/proxy-route.js";

const HTTP_BACKEND: Endpoint = { tls: false, host: "api.axonpush.test", port: 80 };
const HTTPS_BACKEND: Endpoint = { tls: true, host: "api.axonpush.test", port: 443 };
const basic = (userAndPassword: string) => `Basic ${Buffer.from(userAndPassword, "utf8").toString("base64")}`;

describe("proxyRouteFor: which variable applies", () => {
  const httpProxy = "http://http-proxy.test:3128";
  const httpsProxy = "http://https-proxy.test:3129";

  it("uses HTTPS_PROXY for an https:// backend when both are set", () => {
    expect(proxyRouteFor(HTTPS_BACKEND, { httpProxy, httpsProxy })).toEqual({ kind: "proxy", hop: { tls: false, host: "https-proxy.test", port: 3129 } });
  });

  it("falls back to HTTP_PROXY for an https:// backend when HTTPS_PROXY is not set", () => {
    expect(proxyRouteFor(HTTPS_BACKEND, { httpProxy })).toEqual({ kind: "proxy", hop: { tls: false, host: "http-proxy.test", port: 3128 } });
  });

  it.each([
    ["empty", ""],
    ["blank", "  \t "],
  ])("falls back to HTTP_PROXY for an https:// backend when HTTPS_PROXY is %s", (_name, value) => {
    expect(proxyRouteFor(HTTPS_BACKEND, { httpProxy, httpsProxy: value })).toEqual({ kind: "proxy", hop: { tls: false, host: "http-proxy.test", port: 3128 } });
  });

  it("uses HTTP_PROXY for an http:// backend when both are set", () => {
    expect(proxyRouteFor(HTTP_BACKEND, { httpProxy, httpsProxy })).toEqual({ kind: "proxy", hop: { tls: false, host: "http-proxy.test", port: 3128 } });
  });

  it("ignores HTTPS_PROXY for an http:// backend: straight when HTTP_PROXY is not set", () => {
    expect(proxyRouteFor(HTTP_BACKEND, { httpsProxy })).toEqual({ kind: "direct" });
    // Not even an invalid HTTPS_PROXY matters to an http:// backend.
    expect(proxyRouteFor(HTTP_BACKEND, { httpsProxy: "socks5://nope:1080" })).toEqual({ kind: "direct" });
  });

  it.each([
    ["no options", undefined],
    ["no variables", {}],
    ["empty values", { httpProxy: "", httpsProxy: "", noProxy: "" }],
    ["blank values", { httpProxy: " ", httpsProxy: "\t", noProxy: " " }],
  ])("goes straight with %s", (_name, options) => {
    expect(proxyRouteFor(HTTP_BACKEND, options)).toEqual({ kind: "direct" });
    expect(proxyRouteFor(HTTPS_BACKEND, options)).toEqual({ kind: "direct" });
  });

  it("trims the variable's value", () => {
    expect(proxyRouteFor(HTTP_BACKEND, { httpProxy: `  ${httpProxy}\n` })).toEqual({ kind: "proxy", hop: { tls: false, host: "http-proxy.test", port: 3128 } });
  });

  it("goes straight when NO_PROXY names the backend, whichever variable applied", () => {
    expect(proxyRouteFor(HTTP_BACKEND, { httpProxy, httpsProxy, noProxy: "axonpush.test" })).toEqual({ kind: "direct" });
    expect(proxyRouteFor(HTTPS_BACKEND, { httpProxy, httpsProxy, noProxy: "axonpush.test" })).toEqual({ kind: "direct" });
    expect(proxyRouteFor(HTTPS_BACKEND, { httpProxy, noProxy: "api.axonpush.test" })).toEqual({ kind: "direct" });
  });

  it("still proxies when NO_PROXY names other hosts only", () => {
    expect(proxyRouteFor(HTTPS_BACKEND, { httpsProxy, noProxy: "localhost,127.0.0.1,other.test" })).toEqual({
      kind: "proxy",
      hop: { tls: false, host: "https-proxy.test", port: 3129 },
    });
  });

  it("names the variable that applies when its value is not an http(s) URL, and never the value", () => {
    const secret = "socks5://user:s3cret@proxy.test:1080";
    expect(proxyRouteFor(HTTPS_BACKEND, { httpsProxy: secret, httpProxy })).toEqual({ kind: "invalid", variable: "HTTPS_PROXY" });
    expect(proxyRouteFor(HTTPS_BACKEND, { httpProxy: secret })).toEqual({ kind: "invalid", variable: "HTTP_PROXY" });
    expect(proxyRouteFor(HTTP_BACKEND, { httpProxy: secret, httpsProxy })).toEqual({ kind: "invalid", variable: "HTTP_PROXY" });
    expect(JSON.stringify(proxyRouteFor(HTTPS_BACKEND, { httpsProxy: secret }))).not.toContain("s3cret");
  });

  it("does not fall back to HTTP_PROXY when HTTPS_PROXY is set but invalid", () => {
    expect(proxyRouteFor(HTTPS_BACKEND, { httpsProxy: "ftp://proxy.test", httpProxy })).toEqual({ kind: "invalid", variable: "HTTPS_PROXY" });
  });

  it("goes straight, invalid proxy URL or not, when NO_PROXY names the backend", () => {
    expect(proxyRouteFor(HTTPS_BACKEND, { httpsProxy: "socks5://proxy.test:1080", noProxy: "*" })).toEqual({ kind: "direct" });
  });

  it("carries the proxy's Proxy-Authorization, and TLS for an https:// proxy", () => {
    expect(proxyRouteFor(HTTPS_BACKEND, { httpsProxy: "https://alice:pw@secure-proxy.test:8443" })).toEqual({
      kind: "proxy",
      hop: { tls: true, host: "secure-proxy.test", port: 8443, authorization: basic("alice:pw") },
    });
  });
});

describe("bypassesProxy: NO_PROXY", () => {
  const at = (host: string, port = 443, tls = true): Endpoint => ({ tls, host, port });

  it.each<[string, string, Endpoint, boolean]>([
    // Exact host and its subdomains, at label boundaries only.
    ["the exact host", "example.com", at("example.com"), true],
    ["a subdomain", "example.com", at("api.example.com"), true],
    ["a deeper subdomain", "example.com", at("a.b.example.com"), true],
    ["not a suffix inside a label (ample.com vs example.com)", "ample.com", at("example.com"), false],
    ["not a host ending in the name without a dot", "example.com", at("badexample.com"), false],
    ["not the parent of the entry", "api.example.com", at("example.com"), false],
    ["not a sibling of the entry", "api.example.com", at("web.example.com"), false],
    ["not a longer host that merely starts with it", "example.com", at("example.com.evil.test"), false],
    // A leading dot or `*.` changes nothing.
    ["leading dot: the host itself", ".example.com", at("example.com"), true],
    ["leading dot: a subdomain", ".example.com", at("api.example.com"), true],
    ["leading dot: not a suffix inside a label", ".example.com", at("badexample.com"), false],
    ["`*.`: the host itself", "*.example.com", at("example.com"), true],
    ["`*.`: a subdomain", "*.example.com", at("api.example.com"), true],
    ["`*.`: not a suffix inside a label", "*.example.com", at("badexample.com"), false],
    // `*` alone: everything.
    ["`*`: a name", "*", at("example.com"), true],
    ["`*`: an address", "*", at("10.1.2.3", 80, false), true],
    ["`*` with blanks around it", "  * ", at("example.com"), true],
    // host:port: that port only.
    ["host:port on that port", "example.com:8443", at("example.com", 8443), true],
    ["host:port on another port", "example.com:8443", at("example.com", 443), false],
    ["host:port for a subdomain on that port", "example.com:8443", at("api.example.com", 8443), true],
    ["host:443 for an https backend on the default port", "example.com:443", at("example.com", 443), true],
    ["host:80 for an http backend on the default port", "example.com:80", at("example.com", 80, false), true],
    ["host:80 not for an https backend on the default port", "example.com:80", at("example.com", 443), false],
    ["host:443 not for an http backend on the default port", "example.com:443", at("example.com", 80, false), false],
    // Addresses.
    ["an IPv4 address", "127.0.0.1", at("127.0.0.1", 4000, false), true],
    ["an IPv4 address with its port", "127.0.0.1:4000", at("127.0.0.1", 4000, false), true],
    ["an IPv4 address with another port", "127.0.0.1:4001", at("127.0.0.1", 4000, false), false],
    ["another IPv4 address", "127.0.0.2", at("127.0.0.1", 4000, false), false],
    ["the tail of an IPv4 address (addresses match whole, not by suffix as names do)", "0.0.1", at("127.0.0.1", 4000, false), false],
    ["a name entry never matches an address by suffix", "0.1", at("10.0.0.1", 4000, false), false],
    ["an IPv6 literal in brackets", "[::1]", at("::1", 4000, false), true],
    ["an IPv6 literal in brackets with its port", "[::1]:4000", at("::1", 4000, false), true],
    ["an IPv6 literal in brackets with another port", "[::1]:4001", at("::1", 4000, false), false],
    ["a longer IPv6 literal in brackets", "[2001:db8::1]", at("2001:db8::1"), true],
    ["an IPv6 literal without brackets (as in the common `localhost,127.0.0.1,::1`)", "::1", at("::1", 4000, false), true],
    ["a longer IPv6 literal without brackets", "2001:db8::1", at("2001:db8::1"), true],
    ["another IPv6 literal", "[::2]", at("::1", 4000, false), false],
    // Case.
    ["an upper-case entry", "EXAMPLE.COM", at("example.com"), true],
    ["a mixed-case entry and host", "*.ExAmple.Com", at("API.example.COM"), true],
    ["a mixed-case entry with a port", "Example.Com:8443", at("example.com", 8443), true],
  ])("%s: %j", (_name, noProxy, target, expected) => {
    expect(bypassesProxy(target, noProxy)).toBe(expected);
  });

  it.each([
    ["commas", "localhost,other.test,example.com"],
    ["commas and spaces", "localhost, other.test , example.com"],
    ["spaces only", "localhost other.test example.com"],
    ["tabs and newlines", "localhost\tother.test\nexample.com"],
    ["empty entries", ",,localhost,,,example.com,"],
    ["empty entries between blanks", " , localhost , , example.com , "],
  ])("reads a list separated by %s", (_name, noProxy) => {
    expect(bypassesProxy(at("api.example.com"), noProxy)).toBe(true);
    expect(bypassesProxy(at("localhost", 4000, false), noProxy)).toBe(true);
    expect(bypassesProxy(at("nowhere.test"), noProxy)).toBe(false);
  });

  it.each([
    ["undefined", undefined],
    ["empty", ""],
    ["blank", " \t\n"],
    ["only commas", ",,,"],
    ["only commas and blanks", " , , "],
  ])("sends nothing straight when NO_PROXY is %s", (_name, noProxy) => {
    expect(bypassesProxy(at("example.com"), noProxy)).toBe(false);
    expect(bypassesProxy(at("127.0.0.1", 80, false), noProxy)).toBe(false);
  });
});

describe("parseProxyUrl", () => {
  it.each([
    ["http:// with a port", "http://proxy.test:3128", { tls: false, host: "proxy.test", port: 3128 }],
    ["http:// on the default port", "http://proxy.test", { tls: false, host: "proxy.test", port: 80 }],
    ["http:// with :80 written out", "http://proxy.test:80", { tls: false, host: "proxy.test", port: 80 }],
    ["https:// with a port", "https://proxy.test:8443", { tls: true, host: "proxy.test", port: 8443 }],
    ["https:// on the default port", "https://proxy.test", { tls: true, host: "proxy.test", port: 443 }],
    ["https:// with :443 written out", "https://proxy.test:443", { tls: true, host: "proxy.test", port: 443 }],
    ["a trailing slash", "http://proxy.test:3128/", { tls: false, host: "proxy.test", port: 3128 }],
    ["an upper-case scheme and host", "HTTP://Proxy.TEST:3128", { tls: false, host: "proxy.test", port: 3128 }],
    ["a bare host:port (http://, as curl takes it)", "proxy.test:3128", { tls: false, host: "proxy.test", port: 3128 }],
    ["a bare host (http:// on port 80)", "proxy.test", { tls: false, host: "proxy.test", port: 80 }],
    ["a bare address:port", "10.0.0.7:8080", { tls: false, host: "10.0.0.7", port: 8080 }],
    ["an IPv6 address, brackets dropped", "http://[::1]:3128", { tls: false, host: "::1", port: 3128 }],
    ["a bare [IPv6]:port", "[2001:db8::7]:3128", { tls: false, host: "2001:db8::7", port: 3128 }],
  ])("reads %s", (_name, value, expected) => {
    const hop = parseProxyUrl(value);
    expect(hop).toEqual(expected);
    // No credentials in the URL: no Proxy-Authorization at all.
    expect(hop).not.toHaveProperty("authorization");
  });

  it.each([
    ["user and password", "http://alice:secret@proxy.test:3128", "alice:secret"],
    ["an https:// proxy", "https://alice:secret@proxy.test", "alice:secret"],
    ["a bare host:port with credentials", "alice:secret@proxy.test:3128", "alice:secret"],
    ["percent-encoded characters, decoded", "http://d%C3%B6m%5Calice:p%40ss%3Aw%2Fo%20rd%25@proxy.test:3128", "döm\\alice:p@ss:w/o rd%"],
    ["a user without a password", "http://alice@proxy.test:3128", "alice:"],
    ["an empty password", "http://alice:@proxy.test:3128", "alice:"],
    ["a percent sign that is not an escape, kept as written", "http://alice:100%zz@proxy.test:3128", "alice:100%zz"],
  ])("turns %s into Proxy-Authorization: Basic", (_name, value, userAndPassword) => {
    const hop = parseProxyUrl(value);
    expect(hop?.authorization).toBe(basic(userAndPassword));
    expect(Buffer.from(hop!.authorization!.slice("Basic ".length), "base64").toString("utf8")).toBe(userAndPassword);
    expect(hop?.host).toBe("proxy.test");
  });

  it.each([
    ["socks5://", "socks5://proxy.test:1080"],
    ["socks5:// with credentials", "socks5://alice:secret@proxy.test:1080"],
    ["socks4://", "socks4://proxy.test:1080"],
    ["ftp://", "ftp://proxy.test"],
    ["file://", "file:///tmp/proxy"],
    ["http:// without a host", "http://"],
    ["http:// with only a port", "http://:3128"],
    ["a host with a space", "http://proxy test:3128"],
    ["a port out of range", "http://proxy.test:99999"],
    ["a port that is not a number", "http://proxy.test:port"],
    ["text that is no URL", "not a proxy"],
  ])("refuses %s", (_name, value) => {
    expect(parseProxyUrl(value)).toBeUndefined();
  });

  it("proxyRouteFor reports an unparsable value as invalid, naming the variable", () => {
    expect(proxyRouteFor(HTTP_BACKEND, { httpProxy: "http://proxy test:3128" })).toEqual({ kind: "invalid", variable: "HTTP_PROXY" });
    expect(proxyRouteFor(HTTPS_BACKEND, { httpsProxy: "socks5://proxy.test:1080" })).toEqual({ kind: "invalid", variable: "HTTPS_PROXY" });
  });
});
