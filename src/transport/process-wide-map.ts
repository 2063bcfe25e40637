/**
 * A Map that exists once per process: kept on `globalThis` under
 * `Symbol.for(name)`, so the preload bundle and the library, each with its
 * own copy of this module, share it. What the servers told us (refused
 * properties, OTLP encodings) lives in such maps, keyed by base URL. Values
 * must be plain data: the shape must survive two copies of the package.
 */
export function processWideMap<V>(name: string): Map<string, V> {
  const key = Symbol.for(name);
  const holder = globalThis as typeof globalThis & Record<symbol, Map<string, V> | undefined>;
  holder[key] ??= new Map<string, V>();
  return holder[key];
}
