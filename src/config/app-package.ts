/**
 * The application's own package.json: the default service name and version.
 * Searched upwards from the entry script (process.argv[1]), else from the
 * working directory. A package.json without a name (for example a nested
 * `{ "type": "module" }` marker) is skipped, the search goes on upwards.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export interface AppPackage {
  readonly name?: string;
  readonly version?: string;
}

function readNamedPackage(dir: string): AppPackage | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
    if (typeof pkg.name !== "string" || !pkg.name) return undefined;
    return { name: pkg.name, version: typeof pkg.version === "string" ? pkg.version : undefined };
  } catch {
    return undefined;
  }
}

export function findAppPackage(entryScript: string | undefined, cwd: string): AppPackage | undefined {
  const start = entryScript ? dirname(resolve(cwd, entryScript)) : cwd;
  for (let dir = start; ; dir = dirname(dir)) {
    const found = readNamedPackage(dir);
    if (found) return found;
    if (dirname(dir) === dir) break;
  }
  return entryScript ? findAppPackage(undefined, cwd) : undefined;
}
