/**
 * Whether the application's entry point will run as CommonJS. Under
 * `--import`, registering import-in-the-middle's loader hook starts a loader
 * thread (~30-40 ms); a CommonJS entry does not need it, because CommonJS
 * modules, including CommonJS packages reached by a dynamic `import()`, are
 * instrumented through `Module._load` (see require-trigger.ts). Anything
 * unclear counts as ES modules, so the hook stays.
 */
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";

export interface EntryFacts {
  /** `process.argv[1]`: undefined for `-e`, `-p`, stdin and the REPL. */
  argv1: string | undefined;
  /** `process.execArgv` plus the flags in NODE_OPTIONS. */
  flags: readonly string[];
  cwd: string;
}

// Flags that make ambiguous files ES modules, or hand loading to someone else.
const ESM_FLAGS = [/^--input-type=module$/, /^--experimental-default-type=module$/, /^--experimental-detect-module$/, /^--(experimental-)?loader(=|$)/];

const COMMONJS_EXTENSIONS = new Set([".cjs", ".cts"]);
const ESM_EXTENSIONS = new Set([".mjs", ".mts"]);
const TYPE_DECIDES = new Set([".js", ".ts", ".jsx", ".tsx", ""]);

export function entryIsCommonJS(facts: EntryFacts): boolean {
  if (facts.flags.some((flag) => ESM_FLAGS.some((pattern) => pattern.test(flag)))) return false;
  if (facts.argv1 === undefined) return true; // -e / -p / stdin: CommonJS unless --input-type=module
  const file = realPath(path.resolve(facts.cwd, facts.argv1));
  const extension = path.extname(file);
  if (COMMONJS_EXTENSIONS.has(extension)) return true;
  if (ESM_EXTENSIONS.has(extension) || !TYPE_DECIDES.has(extension)) return false;
  return nearestPackageType(path.dirname(file)) === "commonjs";
}

/** Node runs the real file behind a symlink (a `node_modules/.bin` link, for one), under its package's type. */
function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** The `type` of the nearest package.json, as Node reads it; undefined when unreadable. */
function nearestPackageType(directory: string): "module" | "commonjs" | undefined {
  for (let dir = directory; ; dir = path.dirname(dir)) {
    let text: string;
    try {
      text = readFileSync(path.join(dir, "package.json"), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" && (error as NodeJS.ErrnoException).code !== "ENOTDIR") return undefined;
      if (path.dirname(dir) === dir) return "commonjs";
      continue;
    }
    try {
      return (JSON.parse(text) as { type?: unknown }).type === "module" ? "module" : "commonjs";
    } catch {
      return undefined;
    }
  }
}

export function currentEntryFacts(): EntryFacts {
  const fromOptions = (process.env.NODE_OPTIONS ?? "").split(/\s+/).filter(Boolean);
  return { argv1: process.argv[1], flags: [...process.execArgv, ...fromOptions], cwd: process.cwd() };
}
