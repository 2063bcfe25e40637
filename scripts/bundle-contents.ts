/**
 * What the published files contain, and what they still load from
 * node_modules: the rule that keeps package.json's `dependencies` small, and
 * the record the licence generator (scripts/third-party-licenses.ts) and the
 * tests read.
 *
 * The rule: an entry bundles everything it imports except the packages
 * package.json names in `dependencies` (and, for the library entry, in
 * `peerDependencies`: the app's own @opentelemetry/api, one copy in its
 * process). A package added later (to devDependencies, as every bundled one
 * is) is bundled and licensed without an edit here.
 *
 * The record: every tsup build writes esbuild's metafile (which input files
 * went into which output, and which imports stayed external) to
 * RECORD_DIRECTORY, one file per build and format.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Metafile, Plugin } from "esbuild";
import type { Options } from "tsup";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Outside dist/, so it is never published. */
export const RECORD_DIRECTORY = path.join(ROOT, "node_modules", ".cache", "axonpush-otel", "bundle-contents");

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readPackageJson = (): PackageJson => JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as PackageJson;

/** The packages an entry may load from node_modules at run time: `dependencies`, and `peerDependencies` when `withPeers`. */
export function installedAtRunTime(withPeers: boolean, pkg: PackageJson = readPackageJson()): string[] {
  return [...Object.keys(pkg.dependencies ?? {}), ...(withPeers ? Object.keys(pkg.peerDependencies ?? {}) : [])].sort();
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** tsup's `noExternal`: every package but these (and their subpaths). */
export function bundleAllBut(packageNames: readonly string[]): RegExp[] {
  if (packageNames.length === 0) return [/.*/];
  return [new RegExp(`^(?!(${packageNames.map(escape).join("|")})(/|$))`)];
}

/** For the library entry: bundle all but `dependencies` and the peers (it runs inside the app, beside the app's api). */
export const BUNDLE_ALL_BUT_DEPENDENCIES_AND_PEERS = bundleAllBut(installedAtRunTime(true));

/**
 * For the register entries and the CLI: bundle all but `dependencies`. A peer
 * is bundled too, so they work where peers are not installed (yarn 1,
 * `--legacy-peer-deps`); the preload bundle does the same with the api.
 */
export const BUNDLE_ALL_BUT_DEPENDENCIES = bundleAllBut(installedAtRunTime(false));

/**
 * Banner for ES module outputs that bundle CommonJS code (dotenv, protobufjs):
 * their `require("fs")` goes through esbuild's `__require`, which throws in an
 * ES module unless a real `require` is in scope.
 */
export const ESM_REQUIRE =
  'import { createRequire as __axonpushCreateRequire } from "node:module"; const require = __axonpushCreateRequire(import.meta.url);';

/** tsup's `banner`, with ESM_REQUIRE in the ESM format (after an optional first line such as a shebang). */
export const bannerWithEsmRequire =
  (firstLine?: string) =>
  ({ format }: { format: string }) => ({ js: [firstLine, format === "esm" ? ESM_REQUIRE : undefined].filter(Boolean).join("\n") });

export interface BundleRecord {
  /** The tsup build (its entry names) and the format, for messages. */
  readonly build: string;
  readonly metafile: Metafile;
}

function recordingPlugin(build: string): Plugin {
  return {
    name: "axonpush-bundle-contents",
    setup(esbuild) {
      esbuild.initialOptions.metafile = true;
      const format = esbuild.initialOptions.format ?? "unknown";
      esbuild.onEnd((result) => {
        if (!result.metafile) return;
        const name = `${build} (${format})`;
        const file = `${createHash("sha1").update(name).digest("hex").slice(0, 12)}.json`;
        mkdirSync(RECORD_DIRECTORY, { recursive: true });
        writeFileSync(path.join(RECORD_DIRECTORY, file), JSON.stringify({ build: name, metafile: result.metafile } satisfies BundleRecord));
      });
    },
  };
}

const buildName = (options: Options) =>
  `${options.outDir ?? "dist"}: ${Object.keys(typeof options.entry === "object" && !Array.isArray(options.entry) ? options.entry : {}).join(", ")}`;

/**
 * Wraps tsup.config.ts's list: each build also records its metafile. Clears
 * the old records first (this runs once per `tsup` run, when the config is
 * read), so a build that no longer exists leaves none behind.
 */
export function recordBundleContents(builds: Options[]): Options[] {
  rmSync(RECORD_DIRECTORY, { recursive: true, force: true });
  return builds.map((options) => ({ ...options, esbuildPlugins: [...(options.esbuildPlugins ?? []), recordingPlugin(buildName(options))] }));
}

export function readBundleRecords(directory = RECORD_DIRECTORY): BundleRecord[] {
  let files: string[];
  try {
    files = readdirSync(directory).filter((file) => file.endsWith(".json"));
  } catch {
    throw new Error(`no bundle records in ${directory}: run \`npm run build\` first`);
  }
  return files.sort().map((file) => JSON.parse(readFileSync(path.join(directory, file), "utf8")) as BundleRecord);
}

export interface BundledPackage {
  /** Directory of the package, relative to the repository (`node_modules/@scope/name`, possibly nested). */
  readonly directory: string;
  /** Outputs (relative to the repository) that contain code from it. */
  readonly outputs: readonly string[];
}

/** Where an input path (as esbuild writes it, relative to the working directory) lies inside node_modules, if it does. */
export function packageDirectoryOf(input: string): string | undefined {
  const withoutNamespace = input.replace(/^[\w-]+:/, "");
  const marker = "node_modules/";
  const at = withoutNamespace.lastIndexOf(marker);
  if (at < 0) return undefined;
  const rest = withoutNamespace.slice(at + marker.length).split("/");
  const nameParts = rest[0]?.startsWith("@") ? 2 : 1;
  if (rest.length <= nameParts) return undefined;
  return withoutNamespace.slice(0, at + marker.length) + rest.slice(0, nameParts).join("/");
}

/** Every package with code in an output, with the outputs it is in. */
export function bundledPackages(records: readonly BundleRecord[]): BundledPackage[] {
  const outputsByDirectory = new Map<string, Set<string>>();
  for (const { metafile } of records) {
    for (const [output, details] of Object.entries(metafile.outputs)) {
      if (output.endsWith(".map")) continue;
      for (const [input, contribution] of Object.entries(details.inputs)) {
        const directory = packageDirectoryOf(input);
        if (!directory || contribution.bytesInOutput === 0) continue;
        if (!outputsByDirectory.has(directory)) outputsByDirectory.set(directory, new Set());
        outputsByDirectory.get(directory)!.add(output);
      }
    }
  }
  return [...outputsByDirectory]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([directory, outputs]) => ({ directory, outputs: [...outputs].sort() }));
}

const BUILTIN_MODULES = new Set(builtinModules);
const isBuiltin = (specifier: string) => specifier.startsWith("node:") || BUILTIN_MODULES.has(specifier.split("/")[0]!);

/** The package a bare import names (`@scope/name/sub` → `@scope/name`), or undefined for a relative path or a builtin. */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || isBuiltin(specifier)) return undefined;
  const parts = specifier.split("/");
  return parts[0]!.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Packages some output imports from node_modules (imports esbuild left external). */
export function externalPackages(records: readonly BundleRecord[]): Map<string, string[]> {
  const importers = new Map<string, Set<string>>();
  for (const { metafile } of records) {
    for (const [output, details] of Object.entries(metafile.outputs)) {
      for (const imported of details.imports) {
        if (!imported.external) continue;
        const name = packageNameOf(imported.path);
        if (!name) continue;
        if (!importers.has(name)) importers.set(name, new Set());
        importers.get(name)!.add(output);
      }
    }
  }
  return new Map([...importers].sort(([a], [b]) => a.localeCompare(b)).map(([name, outputs]) => [name, [...outputs].sort()]));
}
