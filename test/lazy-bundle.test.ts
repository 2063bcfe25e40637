// The built preload (npm test builds first): one copy of each OpenTelemetry
// package across the bundle and its lazy pieces, instrumentations and
// unconfigured exporters outside the start-up bundle; and one installed copy
// of each in node_modules, which the bundle is built from.
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
    "@opentelemetry/api/dist/index.cjs",
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

  it("bundles @fastify/otel once, in its own lazy file, on the shared OpenTelemetry packages", () => {
    expect(copiesOf("@fastify/otel/index.js")).toBe(1);
    const piece = pieces.find((p) => p.name === "instrumentation-fastify.cjs")!;
    expect(piece.text).toContain("\n// node_modules/@fastify/otel/index.js\n");
    expect(piece.text).toContain('sharedModule("@opentelemetry/instrumentation")');
  });

  it("installs one copy of each OpenTelemetry package (package.json overrides keep @fastify/otel on our @opentelemetry/instrumentation)", () => {
    const lock = JSON.parse(readFileSync(resolve(import.meta.dirname, "..", "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
    const copies = new Map<string, string[]>();
    for (const [where, entry] of Object.entries(lock.packages)) {
      const name = where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length);
      if (!where.includes("node_modules/") || !name.startsWith("@opentelemetry/")) continue;
      copies.set(name, [...(copies.get(name) ?? []), `${where}@${entry.version}`]);
    }
    expect([...copies.values()].filter((list) => list.length > 1)).toEqual([]);
    // @fastify/otel 0.21 asks for ^0.222; the override gives it ours (0.223), the version the e2e suites run it with.
    const manifest = JSON.parse(readFileSync(resolve(import.meta.dirname, "..", "package.json"), "utf8")) as { overrides: Record<string, unknown> };
    expect(manifest.overrides["@fastify/otel"]).toEqual({ "@opentelemetry/instrumentation": "$@opentelemetry/instrumentation" });
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
