import { defineConfig } from "tsup";

// Three artefacts: the library (ESM + CJS + types), the preload entry
// (ESM for --import, CJS for --require) and the `axonpush-otel` CLI.
// `clean` stays off so a rebuild never leaves a moment with no dist/ for a
// test that is spawning the preload.
export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    target: "node20",
    platform: "node",
    clean: false,
    // src/preload/lazy-require.ts uses `__filename` in CJS and reads `import.meta.url` only in ESM.
    esbuildOptions(options, context) {
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
    // cannot and need not, so each format keeps only its own branch. ESM code
    // splitting (tsup's default for esm) keeps OpenTelemetry out of the entry
    // chunk; in CJS the lazily required module loads it. Either way it is
    // loaded only when tracing really starts.
    esbuildOptions(options, context) {
      options.define = { ...options.define, __AXONPUSH_ESM__: context.format === "esm" ? "true" : "false" };
      // Drops the other format's branch entirely (a top-level `await` must not
      // survive, even dead, in the CJS file).
      options.minifySyntax = true;
      options.chunkNames = "register-[name]";
      // The CJS build's `import.meta.url` sits in the ESM-only branch that the define removes.
      if (context.format === "cjs") options.logOverride = { ...options.logOverride, "empty-import-meta": "silent" };
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
    banner: { js: "#!/usr/bin/env node" },
  },
]);
