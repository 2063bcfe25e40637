/**
 * Build pieces for the preload bundle, used by tsup.config.ts.
 *
 *   dist/register.{js,cjs}      the entries: cheap checks, then require the bundle
 *   dist/register-boot.cjs      the bundle: OpenTelemetry and our code, one file
 *   dist/lazy/<instr>.cjs       one file per instrumentation, read on activation
 *   dist/lazy/modules.cjs       exporters, metrics, logs, config-file support,
 *                               cloud detectors: read only when configured
 *
 * Start-up reads two files instead of ~800, and never parses code it will
 * not run. The lazy pieces take the packages the bundle already holds from
 * it (src/preload/lazy/shared-modules.ts), so there is one copy of each.
 * import-in-the-middle stays external everywhere: its loader's generated
 * wrappers import the node_modules copy, and a bundled copy would never see
 * them.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import { INSTRUMENTATION_TABLE } from "../src/preload/lazy/instrumentation-table.js";
import { DEFERRED_MODULE_NAMES } from "../src/preload/lazy/deferred-modules.js";
import { SHARED_MODULE_NAMES } from "../src/preload/lazy/shared-modules.js";
import { applyInstrumentationPatches } from "./instrumentation-patches/index.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const requireFromRoot = createRequire(path.join(ROOT, "package.json"));

export const BOOT_BUNDLE = "register-boot.cjs";
export const LAZY_DIR = "lazy";
export const DEFERRED_BUNDLE = `${LAZY_DIR}/modules.cjs`;

/** Bundle everything but import-in-the-middle (tsup's `noExternal`). */
export const BUNDLE_ALL_BUT_IITM = [/^(?!import-in-the-middle(\/|$))/];

/** Files of dist/lazy: one per instrumentation, `instrumentation-<short name>` (@fastify/otel's is instrumentation-fastify). */
export const lazyInstrumentationEntries = (): Record<string, string> =>
  Object.fromEntries(INSTRUMENTATION_TABLE.map((spec) => [instrumentationBundleName(spec.packageName), requireFromRoot.resolve(spec.packageName)]));

export const instrumentationBundleName = (packageName: string) =>
  `instrumentation-${INSTRUMENTATION_TABLE.find((spec) => spec.packageName === packageName)!.name}`;
const exactly = (names: readonly string[]) => new RegExp(`^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})$`);

/**
 * For dist/register-boot.cjs. Instrumentation packages become requires of
 * their own lazy file; deferred modules become stand-ins whose exports are
 * getters that require dist/lazy/modules.cjs on first use. The export names
 * are read here, once, from the real module.
 */
export function bootBundlePlugin(): Plugin {
  const instrumentationPackages = INSTRUMENTATION_TABLE.map((spec) => spec.packageName);
  return {
    name: "axonpush-boot-bundle",
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]preload[\\/]lazy-require\.ts$/ }, () => ({ contents: bundledLazyRequire(), loader: "js" }));
      build.onResolve({ filter: exactly(instrumentationPackages) }, (args) => ({
        path: `./${LAZY_DIR}/${instrumentationBundleName(args.path)}.cjs`,
        external: true,
      }));
      build.onResolve({ filter: exactly([`./${DEFERRED_BUNDLE}`]) }, (args) => ({ path: args.path, external: true }));
      build.onResolve({ filter: exactly(DEFERRED_MODULE_NAMES) }, (args) => ({ path: args.path, namespace: "axonpush-deferred" }));
      build.onLoad({ filter: /.*/, namespace: "axonpush-deferred" }, (args) => {
        const names = Object.keys(requireFromRoot(args.path) as object).filter((name) => name !== "__esModule");
        const contents = [
          `// Stand-in for ${args.path}: evaluated on first use, from ${DEFERRED_BUNDLE}.`,
          "let real;",
          `const load = () => real ??= require("./${DEFERRED_BUNDLE}").loadDeferredModule(${JSON.stringify(args.path)});`,
          'Object.defineProperty(exports, "__esModule", { value: true });',
          `for (const name of ${JSON.stringify(names)}) {`,
          "  Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });",
          "}",
        ].join("\n");
        return { contents, loader: "js" };
      });
    },
  };
}

/** What src/preload/lazy-require.ts may be asked for, beyond the instrumentations and deferred modules. */
const ALSO_REQUIRED_LAZILY = ["@opentelemetry/sdk-node", "@opentelemetry/resource-detector-container", "import-in-the-middle/lib/register.js"];

/**
 * src/preload/lazy-require.ts, as the bundle has it: `createRequire` calls
 * with a computed name are invisible to a bundler, so each name the preload
 * asks for becomes a literal require (bundled, or one of the lazy files).
 * Any other name still loads from node_modules.
 */
function bundledLazyRequire(): string {
  const names = [...ALSO_REQUIRED_LAZILY, ...DEFERRED_MODULE_NAMES, ...INSTRUMENTATION_TABLE.map((spec) => spec.packageName)];
  return [
    'import { createRequire } from "node:module";',
    "const fromNodeModules = createRequire(__filename);",
    "const bundled = {",
    ...names.map((name) => `  ${JSON.stringify(name)}: () => require(${JSON.stringify(name)}),`),
    "};",
    "export function requireLazily(name) {",
    "  const load = bundled[name];",
    "  return load ? load() : fromNodeModules(name);",
    "}",
    "requireLazily.resolve = fromNodeModules.resolve;",
    "requireLazily.cache = fromNodeModules.cache;",
  ].join("\n");
}

/**
 * `winston-transport` for @opentelemetry/winston-transport, which is first
 * required when the app configures a winston logger: resolved from the
 * winston the app loaded (its `logger.js` is in the require cache by then),
 * so any package manager's layout finds the copy winston itself uses.
 */
const APP_WINSTON_TRANSPORT = [
  'const { createRequire } = require("node:module");',
  "const logger = Object.keys(require.cache).find((file) => /[\\\\/]winston[\\\\/]lib[\\\\/]winston[\\\\/]logger\\.js$/.test(file));",
  "module.exports = createRequire(logger ?? __filename)(\"winston-transport\");",
].join("\n");

/**
 * For dist/lazy/*.cjs. Shared packages come from the boot bundle; one
 * instrumentation never bundles another's package, and deferred modules
 * requiring each other stay inside modules.cjs. Our fixes to upstream
 * instrumentations are applied here (scripts/instrumentation-patches).
 */
export function lazyPiecesPlugin(): Plugin {
  return {
    name: "axonpush-lazy-pieces",
    setup(build) {
      applyInstrumentationPatches(build, ROOT);
      build.onResolve({ filter: exactly([`../${BOOT_BUNDLE}`]) }, (args) => ({ path: args.path, external: true }));
      build.onResolve({ filter: exactly(SHARED_MODULE_NAMES) }, (args) => ({ path: args.path, namespace: "axonpush-shared" }));
      // winston's transport base class comes from the app's winston (it depends on it), not a copy of
      // our own: the same class winston checks its transports against, and no second readable-stream.
      build.onResolve({ filter: /^winston-transport$/ }, (args) =>
        /[\\/]@opentelemetry[\\/]winston-transport[\\/]/.test(args.importer) ? { path: args.path, namespace: "axonpush-app-winston" } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: "axonpush-app-winston" }, () => ({ contents: APP_WINSTON_TRANSPORT, loader: "js" }));
      build.onLoad({ filter: /.*/, namespace: "axonpush-shared" }, (args) => ({
        contents: `module.exports = require("../${BOOT_BUNDLE}").sharedModule(${JSON.stringify(args.path)});`,
        loader: "js",
      }));
    },
  };
}

/**
 * For the register entries: the boot module is the separate bundle, not
 * bundled a second time, loaded with a V8 code cache
 * (src/preload/lazy/code-cache.ts). Not with `import()` from the ESM entry:
 * an ES import of a CommonJS file scans its whole source for export names
 * first (~90 ms for a large bundle). `bootSource` is read for the names the
 * entries may call; the cache is written after the first call returns, so it
 * covers the start-up code that ran.
 */
export function bootAsSeparateBundlePlugin(bootImport: string, bootSource: string): Plugin {
  return {
    name: "axonpush-boot-separate",
    setup(build) {
      const esm = build.initialOptions.format === "esm";
      build.onResolve({ filter: exactly([bootImport]) }, () => ({ path: "boot", namespace: "axonpush-boot-loader" }));
      build.onLoad({ filter: /.*/, namespace: "axonpush-boot-loader" }, () => {
        const names = [...readFileSync(path.join(ROOT, bootSource), "utf8").matchAll(/^export (?:async )?function (\w+)/gm)].map((m) => m[1]!);
        const bundlePath = esm
          ? `fileURLToPath(new URL("./${BOOT_BUNDLE}", import.meta.url))`
          : `require("node:path").join(__dirname, "${BOOT_BUNDLE}")`;
        return {
          contents: [
            ...(esm ? ['import { fileURLToPath } from "node:url";'] : []),
            `import { requireWithCodeCache } from ${JSON.stringify(path.join(ROOT, "src/preload/lazy/code-cache.ts"))};`,
            `const boot = requireWithCodeCache(${bundlePath});`,
            ...names.map(
              (name) => `export function ${name}(...args) { try { return boot.exports.${name}(...args); } finally { boot.saveCache(); } }`,
            ),
          ].join("\n"),
          loader: "js",
          resolveDir: ROOT,
        };
      });
    },
  };
}
