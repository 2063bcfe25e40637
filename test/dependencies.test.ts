// package.json's dependency sections against what the built files really
// load from node_modules (esbuild's metafiles of `npm run build`,
// scripts/bundle-contents.ts): `dependencies` plus `peerDependencies` are
// exactly the packages some published file imports, and nothing the bundle
// already contains is installed for it.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { bundledPackages, externalPackages, readBundleRecords } from "../scripts/bundle-contents.js";

const REPO = resolve(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const records = readBundleRecords();
const LIBRARY_OUTPUTS = ["dist/index.cjs", "dist/index.js"];
// An import esbuild could not resolve at build time can only be a guarded
// optional one (a plain import of a missing package fails the build), never
// installed, before or now. (instrumentation-winston's try/catch require of
// @opentelemetry/winston-transport was one; it is bundled since log records
// are sent.)
const installedHere = (name: string) => existsSync(join(REPO, "node_modules", name, "package.json"));
const external = new Map([...externalPackages(records)].filter(([name]) => installedHere(name)));
const bundledNames = new Set(
  bundledPackages(records).map((p) => (JSON.parse(readFileSync(join(REPO, p.directory, "package.json"), "utf8")) as { name: string }).name),
);

describe("package.json dependency sections", () => {
  it("install exactly the packages some built file loads from node_modules", () => {
    const installed = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})].sort();
    expect(installed, JSON.stringify(Object.fromEntries(external), null, 2)).toEqual([...external.keys()]);
  });

  it("install nothing the bundle already contains (peers excepted: the preload bundles its own api)", () => {
    expect(Object.keys(pkg.dependencies ?? {}).filter((name) => bundledNames.has(name))).toEqual([]);
  });

  it("let only the library entry load a peer: the preload and the CLI work where peers are not installed", () => {
    const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
    const peerLoads = [...external].filter(([name]) => !dependencies.has(name));
    for (const [name, outputs] of peerLoads) expect(outputs, name).toEqual(LIBRARY_OUTPUTS.filter((o) => outputs.includes(o)));
  });

  it("keep the peer @opentelemetry/api out of the library entry, so an app has one copy", () => {
    const libraryOutputs = LIBRARY_OUTPUTS;
    for (const output of libraryOutputs) expect(external.get("@opentelemetry/api"), output).toContain(output);
    const apiInLibrary = bundledPackages(records).filter((p) => p.directory.endsWith("node_modules/@opentelemetry/api") && p.outputs.some((o) => libraryOutputs.includes(o)));
    expect(apiInLibrary).toEqual([]);
  });
});
