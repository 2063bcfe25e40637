/**
 * What each server has refused by name, remembered for the rest of the
 * process. It is a fact about the server, not about one exporter, so every
 * exporter (and the exit path) sending to the same base URL shares it; it
 * lives on `globalThis` so the preload bundle and the library, each with its
 * own copy of this module, share it too.
 */
import { processWideMap } from "./process-wide-map.js";

/** Base URL → names of the body properties that server refused. */
const registry = () => processWideMap<Set<string>>("axonpush-otel.refused-properties");

export interface ServerRefusals {
  /** The server's base URL. */
  readonly server: string;
  /** Live: grows as the server refuses more. */
  readonly names: ReadonlySet<string>;
  /** Adds `names`; returns those not known before. */
  learn(names: readonly string[]): string[];
}

export function refusalsOf(baseUrl: string): ServerRefusals {
  const servers = registry();
  let names = servers.get(baseUrl);
  if (!names) {
    names = new Set();
    servers.set(baseUrl, names);
  }
  const known = names;
  return {
    server: baseUrl,
    names: known,
    learn(refused) {
      const added = refused.filter((name) => !known.has(name));
      for (const name of added) known.add(name);
      return added;
    },
  };
}
