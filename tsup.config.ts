import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import { defineConfig, type Options } from "tsup";
import {
  BUNDLE_ALL_BUT_IITM,
  LAZY_DIR,
  bootAsSeparateBundlePlugin,
  bootBundlePlugin,
  lazyInstrumentationEntries,
  lazyPiecesPlugin,
} from "./scripts/preload-bundle.js";
// What is bundled and what is installed (issue 13): see scripts/bundle-contents.ts.
import { BUNDLE_ALL_BUT_DEPENDENCIES, BUNDLE_ALL_BUT_DEPENDENCIES_AND_PEERS, bannerWithEsmRequire, recordBundleContents } from "./scripts/bundle-contents.js";

// The preload bundle and its lazy pieces (scripts/preload-bundle.ts): every
// package bundled in its CommonJS build, so each exists once.
const preloadBundle: Options = {
  format: ["cjs"],
  outExtension: () => ({ js: ".cjs" }),
  dts: false,
  target: "node20",
  platform: "node",
  clean: false,
  noExternal: BUNDLE_ALL_BUT_IITM,
  esbuildOptions(options) {
    options.mainFields = ["main"];
    options.conditions = [];
    options.define = { ...options.define, ...BUNDLED };
      options.sourcesContent = SOURCES_IN_MAPS;
    // src/sender/entry-path.ts and sender-lane.ts read `import.meta.url` only where `__dirname` is missing (ESM).
    options.logOverride = { ...options.logOverride, "empty-import-meta": "silent" };
  },
};

/**
 * In the sender bundle, the OTLP serializers' imports of @opentelemetry/core
 * and @opentelemetry/api-logs get stand-ins (src/sender/core-for-transformer.ts,
 * api-logs-for-transformer.ts). For core:
 * the OTLP serializer's one import of @opentelemetry/core
 * (for a function only used without BigInt) gets src/sender/core-for-transformer.ts:
 * core would bring the semantic conventions, nearly half the bundle. Only that
 * importer is redirected; any other import of core fails the build instead of
 * silently getting the stand-in.
 */
function coreForTransformerPlugin(): Plugin {
  return {
    name: "axonpush-core-for-transformer",
    setup(build) {
      build.onResolve({ filter: /^@opentelemetry\/core$/ }, (args) => {
        if (/otlp-transformer[\\/]build[\\/]src[\\/]common[\\/]utils\.js$/.test(args.importer)) {
          return { path: fileURLToPath(new URL("./src/sender/core-for-transformer.ts", import.meta.url)) };
        }
        return { errors: [{ text: `the sender bundle must not load @opentelemetry/core (imported by ${args.importer})` }] };
      });
      // The logs serializer's one use of @opentelemetry/api-logs: SeverityNumber.UNSPECIFIED.
      build.onResolve({ filter: /^@opentelemetry\/api-logs$/ }, (args) => {
        if (/otlp-transformer[\\/]build[\\/]src[\\/]logs[\\/]protobuf[\\/]logs-serializer\.js$/.test(args.importer)) {
          return { path: fileURLToPath(new URL("./src/sender/api-logs-for-transformer.ts", import.meta.url)) };
        }
        return { errors: [{ text: `the sender bundle must not load @opentelemetry/api-logs (imported by ${args.importer})` }] };
      });
    },
  };
}

// Source maps carry positions only: a stack trace still names our files and lines, and the sources
// themselves would be about a third of what the package adds to an install.
const SOURCES_IN_MAPS = false;

// Code that finds dist/sender.cjs beside itself once bundled (src/sender/entry-path.ts).
const BUNDLED = { __AXONPUSH_BUNDLED__: "true" };

// Three artefacts: the library (ESM + CJS + types), the preload entry
// (ESM for --import, CJS for --require) and the `axonpush-otel` CLI.
// `clean` stays off so a rebuild never leaves a moment with no dist/ for a
// test that is spawning the preload.
export default defineConfig(recordBundleContents([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    // Types of the SDK our exporter implements, inlined (with the relative
    // imports inside those packages): the declarations then need only the
    // peer @opentelemetry/api.
    dts: { resolve: [/^@opentelemetry\/(?!api$)/, /^\.\.?\//] },
    sourcemap: true,
    target: "node20",
    platform: "node",
    clean: false,
    // Everything but the peer @opentelemetry/api (one copy in the app's
    // process) is bundled; `start()` runs the preload bundle
    // (dist/register-boot.cjs), so the SDK and instrumentations are not
    // bundled a second time.
    noExternal: BUNDLE_ALL_BUT_DEPENDENCIES_AND_PEERS,
    banner: bannerWithEsmRequire(),
    // One file per format (bundled dynamic imports stay lazy inside it), so a
    // rebuild leaves no stale chunks behind in dist/ to be published.
    splitting: false,
    esbuildPlugins: [bootAsSeparateBundlePlugin("./preload/boot.js", "src/preload/boot.ts")],
    // src/preload/lazy-require.ts uses `__filename` in CJS and reads `import.meta.url` only in ESM.
    esbuildOptions(options, context) {
      options.define = { ...options.define, ...BUNDLED };
      options.sourcesContent = SOURCES_IN_MAPS;
      if (context.format === "cjs") options.logOverride = { ...options.logOverride, "empty-import-meta": "silent" };
    },
  },
  {
    entry: { register: "register.ts" },
    format: ["esm", "cjs"],
    // An empty declaration (`export {}`), so type checkers resolving
    // `import "axonpush-otel/register"` find types for the side-effect import.
    dts: true,
    sourcemap: true,
    target: "node20",
    platform: "node",
    clean: false,
    // The ESM build awaits the loader hook (top-level await); the CJS build
    // cannot and need not, so each format keeps only its own branch. Both load
    // the boot module from the preload bundle (dist/register-boot.cjs), and
    // only when tracing really starts.
    splitting: false,
    noExternal: BUNDLE_ALL_BUT_DEPENDENCIES,
    banner: bannerWithEsmRequire(),
    esbuildPlugins: [bootAsSeparateBundlePlugin("./src/preload/boot.js", "src/preload/boot.ts")],
    esbuildOptions(options, context) {
      options.define = { ...options.define, __AXONPUSH_ESM__: context.format === "esm" ? "true" : "false" };
      options.sourcesContent = SOURCES_IN_MAPS;
      // Drops the other format's branch entirely (a top-level `await` must not
      // survive, even dead, in the CJS file).
      options.minifySyntax = true;
      options.chunkNames = "register-[name]";
      // The CJS build's `import.meta.url` sits in the ESM-only branch that the define removes.
      if (context.format === "cjs") options.logOverride = { ...options.logOverride, "empty-import-meta": "silent" };
    },
  },
  // The preload bundle: OpenTelemetry and our start-up code in one file.
  { ...preloadBundle, entry: { "register-boot": "src/preload/lazy/bundle-entry.ts" }, sourcemap: true, esbuildPlugins: [bootBundlePlugin()] },
  // Its lazy pieces: one file per instrumentation, one for deferred exporters and detectors.
  {
    ...preloadBundle,
    entry: { ...lazyInstrumentationEntries(), modules: "src/preload/lazy/deferred-modules.ts" },
    outDir: `dist/${LAZY_DIR}`,
    esbuildPlugins: [lazyPiecesPlugin()],
  },
  // The sender thread's code (src/sender/entry.ts): turning records into requests, HTTP (our own HTTP/1.1 client),
  // retries. Its own file, never loaded by the preload bundle: the thread runs it, and the app's
  // thread requires it only where no thread can run.
  {
    ...preloadBundle,
    entry: { sender: "src/sender/entry.ts" },
    sourcemap: true,
    noExternal: [/.*/],
    esbuildPlugins: [coreForTransformerPlugin()],
    esbuildOptions(options, context) {
      preloadBundle.esbuildOptions?.(options, context);
    },
  },
  {
    entry: { cli: "src/cli.ts" },
    format: ["esm"],
    dts: false,
    sourcemap: true,
    target: "node20",
    platform: "node",
    clean: false,
    banner: bannerWithEsmRequire("#!/usr/bin/env node"),
    noExternal: BUNDLE_ALL_BUT_DEPENDENCIES,
    splitting: false,
    esbuildOptions(options) {
      options.define = { ...options.define, ...BUNDLED };
      options.sourcesContent = SOURCES_IN_MAPS;
    },
  },
]));
