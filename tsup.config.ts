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
  },
  {
    entry: { register: "register.ts" },
    format: ["esm", "cjs"],
    dts: false,
    sourcemap: true,
    target: "node20",
    platform: "node",
    clean: false,
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
