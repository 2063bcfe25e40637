// The built preload (npm test builds first): one copy of each OpenTelemetry
// package across the bundle and its lazy pieces, instrumentations and
// unconfigured exporters outside the start-up bundle.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { INSTRUMENTATION_TABLE } from "../src/preload/lazy/instrumentation-table.js";
import { instrumentationBundleName } from "../scripts/preload-bundle.js";

const dist = resolve(import.meta.dirname, "..", "dist");
const bundle = readFileSync(join(dist, "register-boot.cjs"), "utf8");
const pieces = readdirSync(join(dist, "lazy"))
  .filter((name) => name.endsWith(".cjs"))
  .map((name) => ({ name, text: readFileSync(join(dist, "lazy", name), "utf8") }));
// esbuild heads every bundled file with a comment naming it.
const copiesOf = (file: string) => [bundle, ...pieces.map((p) => p.text)].reduce((n, text) => n + text.split(`\n// node_modules/${file}\n`).length - 1, 0);

describe("preload bundle", () => {
  it.each([
    "@opentelemetry/api/build/src/index.js",
    "@opentelemetry/core/build/src/index.js",
    "@opentelemetry/instrumentation/build/src/index.js",
    "@opentelemetry/resources/build/src/index.js",
    "@opentelemetry/sdk-trace-base/build/src/index-shim.js",
    "@opentelemetry/sdk-logs/build/src/index.js",
    "@opentelemetry/sdk-metrics/build/src/index.js",
    "@opentelemetry/otlp-exporter-base/build/src/index.js",
    "@opentelemetry/semantic-conventions/dist/index.cjs",
    "require-in-the-middle/index.js",
  ])("holds exactly one copy of %s", (file) => {
    expect(copiesOf(file)).toBe(1);
  });

  it("keeps import-in-the-middle external (its loader's wrappers import the node_modules copy)", () => {
    expect(copiesOf("import-in-the-middle/index.js")).toBe(0);
    expect(bundle).toContain('require("import-in-the-middle")');
  });

  it("has one lazy file per instrumentation, none of them in the start-up bundle", () => {
    for (const spec of INSTRUMENTATION_TABLE) {
      const file = `${instrumentationBundleName(spec.packageName)}.cjs`;
      expect(pieces.map((p) => p.name)).toContain(file);
      expect(bundle).not.toContain(`// node_modules/${spec.packageName}/`);
      expect(bundle).toContain(`require("./lazy/${file}")`);
    }
  });

  it("leaves exporters, config-file support and cloud detectors out of the start-up bundle", () => {
    for (const name of ["exporter-trace-otlp-proto", "exporter-zipkin", "exporter-prometheus", "configuration", "resource-detector-aws", "sdk-metrics"]) {
      expect(bundle).not.toContain(`// node_modules/@opentelemetry/${name}/`);
    }
    expect(bundle).not.toContain("// node_modules/@grpc/grpc-js/");
    expect(bundle).not.toContain("// node_modules/yaml/");
  });
});
