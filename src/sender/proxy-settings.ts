/**
 * The standard proxy variables, as curl and undici read them (the lower-case
 * form first). Read on the app's thread: the sender thread is started
 * without the app's NODE_OPTIONS and reads nothing from the environment
 * itself.
 */
import type { ProxySettings } from "./protocol.js";

type Env = Readonly<Record<string, string | undefined>>;

function first(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

export function proxySettingsFrom(env: Env = process.env): ProxySettings {
  const httpProxy = first(env, "http_proxy", "HTTP_PROXY");
  const httpsProxy = first(env, "https_proxy", "HTTPS_PROXY");
  const noProxy = first(env, "no_proxy", "NO_PROXY");
  return {
    ...(httpProxy ? { httpProxy } : {}),
    ...(httpsProxy ? { httpsProxy } : {}),
    ...(noProxy ? { noProxy } : {}),
  };
}
