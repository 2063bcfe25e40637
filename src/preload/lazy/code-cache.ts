/**
 * Loads the preload bundle with a V8 code cache, as `require()` would load
 * it otherwise. Compiling the bundle and the functions start-up runs is a
 * third of the preload's own cost; with the cache from an earlier start,
 * V8 skips it. Node 20 has no module compile cache of its own (22 has
 * `module.enableCompileCache`), so this is the same technique
 * v8-compile-cache uses, for one file.
 *
 * The cache lives in a directory of the temp dir that only this user can
 * write (checked before every use, never followed through a symlink), named
 * after the bundle's size and mtime, the Node version and the architecture;
 * V8 itself rejects data made from other source or flags. Any problem
 * (read-only disk, another user's directory, rejected data) means a plain
 * compile, never an error.
 */
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import Module from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { Script } from "node:vm";

interface ModuleInternals {
  _cache: Record<string, Module>;
  _nodeModulePaths(directory: string): string[];
  _resolveFilename(request: string, parent: Module, isMain: boolean, options?: unknown): string;
  wrap(source: string): string;
}

export interface LoadedWithCodeCache {
  readonly exports: Record<string, unknown>;
  /** Writes the cache if this start had none; call once start-up code has run, so it covers those functions too. */
  saveCache(): void;
}

function privateCacheDirectory(): string | undefined {
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  const directory = path.join(tmpdir(), `axonpush-otel-cache-${uid ?? "user"}`);
  try {
    // Not `recursive`: the temp dir exists or there is no cache (and recursive
    // mkdirSync never returns on some paths, /proc for one).
    mkdirSync(directory, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") return undefined;
  }
  try {
    const stats = lstatSync(directory);
    if (!stats.isDirectory()) return undefined;
    // Someone else's directory, or one others may write to, could hold crafted data.
    if (uid !== undefined && (stats.uid !== uid || (stats.mode & 0o022) !== 0)) return undefined;
    return directory;
  } catch {
    return undefined;
  }
}

/** Caches of earlier builds of the same bundle (other size, mtime or Node version) are never read again. */
function removeStaleCaches(current: string, bundleName: string): void {
  const directory = path.dirname(current);
  const prefix = `${bundleName}-`;
  for (const name of readdirSync(directory)) {
    if (name.startsWith(prefix) && name.endsWith(".v8") && name !== path.basename(current)) rmSync(path.join(directory, name), { force: true });
  }
}

export function requireWithCodeCache(filename: string): LoadedWithCodeCache {
  const internals = Module as unknown as ModuleInternals;
  const alreadyLoaded = internals._cache[filename];
  if (alreadyLoaded) return { exports: alreadyLoaded.exports, saveCache: () => undefined };

  const source = readFileSync(filename, "utf8");
  const { size, mtimeMs } = statSync(filename);
  const directory = privateCacheDirectory();
  const cacheFile = directory && path.join(directory, `${path.basename(filename)}-${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}.v8`);
  let cachedData: Buffer | undefined;
  try {
    if (cacheFile) cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet.
  }

  const script = new Script(internals.wrap(source), { filename, cachedData });
  // The same module object, cache entry and `require` a plain require() would make:
  // the lazy pieces require this file back and must get this very instance.
  const module = new Module(filename, undefined);
  module.filename = filename;
  module.paths = internals._nodeModulePaths(path.dirname(filename));
  const requireHere = Object.assign((id: string) => module.require(id), {
    resolve: (request: string, options?: unknown) => internals._resolveFilename(request, module, false, options),
    cache: internals._cache,
  });
  internals._cache[filename] = module;
  try {
    (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, requireHere, module, filename, path.dirname(filename));
  } catch (error) {
    delete internals._cache[filename];
    throw error;
  }
  module.loaded = true;

  const needsCache = cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true);
  let saved = !needsCache;
  return {
    exports: module.exports as Record<string, unknown>,
    saveCache() {
      if (saved) return;
      saved = true;
      try {
        // Written whole under a temporary name, then renamed: a concurrent start never reads half a file.
        const temporary = `${cacheFile}.${process.pid}.tmp`;
        const descriptor = openSync(temporary, "wx", 0o600);
        try {
          writeSync(descriptor, script.createCachedData());
        } finally {
          closeSync(descriptor);
        }
        renameSync(temporary, cacheFile!);
        removeStaleCaches(cacheFile!, path.basename(filename));
      } catch {
        // A read-only or full disk only costs the next start its cache.
      }
    },
  };
}
