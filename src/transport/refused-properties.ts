/**
 * What each server has refused by name, remembered for the rest of the
 * process. It is a fact about the server, not about one exporter, so every
 * exporter (and the exit path) sending to the same base URL shares it; it
 * lives on `globalThis` so the preload bundle and the library, each with its
 * own copy of this module, share it too.
 */
const REGISTRY_KEY = Symbol.for("axonpush-otel.refused-properties");

/** Base URL → names of the body properties that server refused. Plain data: the shape must survive two copies of the package. */
type Registry = Map<string, Set<string>>;
type GlobalWithRegistry = typeof globalThis & { [REGISTRY_KEY]?: Registry };

function registry(): Registry {
  const g = globalThis as GlobalWithRegistry;
  g[REGISTRY_KEY] ??= new Map();
  return g[REGISTRY_KEY];
}

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
