/**
 * Which proxy, if any, a request to the backend goes through: the standard
 * variables as undici's EnvHttpProxyAgent read them when the sender used it
 * (the same choices, so nobody's setup changed). `HTTPS_PROXY` for an
 * https:// backend (else `HTTP_PROXY`, where curl would go straight),
 * `HTTP_PROXY` for an http:// one, and `NO_PROXY` as curl reads it: a
 * list of hosts reached directly: `*` for all, `example.com` for that host
 * and its subdomains (a leading `.` or `*.` changes nothing), an address for
 * itself only (`::1` or `[::1]`), `host:port` (`[::1]:8080`) for that port
 * only.
 *
 * The values are read on the app's thread (sender/proxy-settings.ts). A proxy
 * URL may hold credentials: nothing here ever puts the URL in a message.
 */
import { isIP } from "node:net";
import type { Endpoint } from "./connection.js";

/** The standard proxy variables' values. */
export interface ProxyOptions {
  readonly httpProxy?: string;
  readonly httpsProxy?: string;
  readonly noProxy?: string;
}

/** A proxy to open a CONNECT tunnel through. */
export interface ProxyHop {
  /** TLS to the proxy itself (an https:// proxy URL). */
  readonly tls: boolean;
  /** Host name or address (no brackets around an IPv6 address). */
  readonly host: string;
  readonly port: number;
  /** `Proxy-Authorization` from the URL's user and password, when it has them. */
  readonly authorization?: string;
}

export type ProxyRoute =
  | { readonly kind: "direct" }
  | { readonly kind: "proxy"; readonly hop: ProxyHop }
  /** The variable that applies is not an http(s) URL; named, never quoted (it may hold a password). */
  | { readonly kind: "invalid"; readonly variable: string };

interface NoProxyEntry {
  readonly host: string;
  /** 0: any port. */
  readonly port: number;
}

const DIRECT: ProxyRoute = { kind: "direct" };

/** Decided once per transport: the backend is one origin. */
export function proxyRouteFor(target: Endpoint, options: ProxyOptions | undefined): ProxyRoute {
  const chosen = target.tls
    ? pick(options?.httpsProxy, "HTTPS_PROXY") ?? pick(options?.httpProxy, "HTTP_PROXY")
    : pick(options?.httpProxy, "HTTP_PROXY");
  if (!chosen) return DIRECT;
  if (bypassesProxy(target, options?.noProxy)) return DIRECT;
  const hop = parseProxyUrl(chosen.value);
  return hop ? { kind: "proxy", hop } : { kind: "invalid", variable: chosen.variable };
}

function pick(value: string | undefined, variable: string): { value: string; variable: string } | undefined {
  const trimmed = value?.trim();
  return trimmed ? { value: trimmed, variable } : undefined;
}

/** Whether NO_PROXY sends this host straight. */
export function bypassesProxy(target: Endpoint, noProxy: string | undefined): boolean {
  const value = noProxy?.trim() ?? "";
  if (value === "") return false;
  if (value === "*") return true;
  const host = target.host.toLowerCase();
  return parseNoProxy(value).some((entry) => (entry.port === 0 || entry.port === target.port) && hostMatches(host, entry.host));
}

/** A name matches itself and its subdomains; an address only itself (as curl compares them). */
function hostMatches(host: string, entry: string): boolean {
  if (host === entry) return true;
  return isIP(entry) === 0 && isIP(host) === 0 && host.endsWith(`.${entry}`);
}

function parseNoProxy(value: string): NoProxyEntry[] {
  const entries: NoProxyEntry[] = [];
  for (const item of value.split(/[,\s]/)) {
    if (!item) continue;
    // A port follows a name, an IPv4 address or a bracketed IPv6 address; a bare IPv6 address ends in digits of its own.
    const withPort = /^(\[[^\]]*\]|[^:]+):(\d+)$/.exec(item);
    const host = (withPort ? withPort[1]! : item).replace(/^\*?\./, "").replace(/^\[|\]$/g, "").toLowerCase();
    entries.push({ host, port: withPort ? Number(withPort[2]) : 0 });
  }
  return entries;
}

/** An http:// or https:// proxy URL (a bare `host:port` is taken as http://, as curl does), or undefined. */
export function parseProxyUrl(value: string): ProxyHop | undefined {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    return undefined;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") return undefined;
  const tls = url.protocol === "https:";
  const authorization = url.username
    ? `Basic ${Buffer.from(`${safeDecode(url.username)}:${safeDecode(url.password)}`).toString("base64")}`
    : undefined;
  return {
    tls,
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: Number(url.port) || (tls ? 443 : 80),
    ...(authorization ? { authorization } : {}),
  };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
