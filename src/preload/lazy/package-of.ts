/**
 * Which package (or core module) a load is about, from what the loaders
 * see: a `require()` request, or an ES module URL. Cheap string work only:
 * it runs for every module the application loads.
 */
import { isBuiltin } from "node:module";

const NODE_MODULES = "/node_modules/";

/** `@scope/name/x` -> `@scope/name`; `name/x` -> `name`. */
function packageOfSpecifier(specifier: string): string | undefined {
  const firstSlash = specifier.indexOf("/");
  if (!specifier.startsWith("@")) return firstSlash === -1 ? specifier : specifier.slice(0, firstSlash);
  if (firstSlash === -1) return undefined;
  const secondSlash = specifier.indexOf("/", firstSlash + 1);
  return secondSlash === -1 ? specifier : specifier.slice(0, secondSlash);
}

/** The package a file inside `node_modules` belongs to (the innermost one). */
export function packageOfPath(filePath: string): string | undefined {
  const normalized = filePath.includes("\\") ? filePath.replaceAll("\\", "/") : filePath;
  const at = normalized.lastIndexOf(NODE_MODULES);
  return at === -1 ? undefined : packageOfSpecifier(normalized.slice(at + NODE_MODULES.length));
}

/**
 * The key the instrumentation table is indexed by: the package name for a
 * package, the top-level core module for a core module (`dns/promises` ->
 * `dns`, `node:http` -> `http`).
 */
export function packageKeyOfModuleName(name: string): string | undefined {
  const bare = name.startsWith("node:") ? name.slice(5) : name;
  return packageOfSpecifier(bare);
}

/**
 * For `Module._load(request)`: a bare specifier or core module gives its
 * package; an absolute path (how an ES `import` of a CommonJS package arrives)
 * gives the package it sits in; a relative request stays inside a package
 * already loaded, so it gives nothing.
 */
export function packageOfRequest(request: string): string | undefined {
  const first = request.charCodeAt(0);
  if (first === 46 /* . */) return undefined;
  if (first === 47 /* / */ || /^[A-Za-z]:[\\/]/.test(request)) return packageOfPath(request);
  if (request.startsWith("file:")) return packageOfUrl(request);
  return packageKeyOfModuleName(request);
}

/** For an import-in-the-middle hook: `node:dns` -> `dns`; `file:///…/node_modules/pg/lib/x.js` -> `pg`. */
export function packageOfUrl(url: string): string | undefined {
  if (url.startsWith("node:")) return packageKeyOfModuleName(url);
  if (url.startsWith("file:")) {
    const path = decodeURIComponent(url.slice(url.indexOf("/", 5)).split(/[?#]/, 1)[0]!);
    return packageOfPath(path);
  }
  return isBuiltin(url) ? packageKeyOfModuleName(url) : undefined;
}
