/**
 * The configuration `axonpush-otel check` tests: the same resolution the
 * preload runs (environment over `.env` in the working directory), with
 * its problem lines collected for the report instead of printed as they come.
 */
import { mergeWithDotEnv, resolveConfig, type AxonPushOtelConfig, type Env } from "../config/index.js";

export interface CheckConfig {
  readonly config: AxonPushOtelConfig;
  /** Lines about bad values, each naming its variable. */
  readonly problems: string[];
}

export function readCheckConfig(env: Env, cwd: string): CheckConfig {
  const problems: string[] = [];
  const config = resolveConfig({
    env: mergeWithDotEnv(env, cwd),
    report: (line) => problems.push(line),
    // The service name comes from the app's package.json, as the preload finds it from the working directory.
    entryScript: undefined,
    cwd,
  });
  return { config, problems };
}

/** The base URL without any user:password part, which a URL may carry and a terminal must not show. */
export function printableBaseUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    url.username = "";
    url.password = "";
    return url.href.replace(/\/+$/, "");
  } catch {
    return baseUrl;
  }
}
