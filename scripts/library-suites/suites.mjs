// The libraries whose own test suites the tier runs bare and under the
// preload (scripts/library-suites/run-suite.mjs). Each entry says which
// npm package to install (its tests ship in the package), which version
// (the one our own tests run, from package-lock.json), which files are its
// tests, and which span shows that its instrumentation engaged.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The version of `packageName` installed in this repository (its lockfile's). */
export function installedVersion(packageName) {
  const manifest = createRequire(path.join(REPO_ROOT, "package.json")).resolve(`${packageName}/package.json`);
  return JSON.parse(readFileSync(manifest, "utf8")).version;
}

/** Files under `dir/sub` whose names match `pattern`, relative to `dir`, sorted. */
function filesUnder(dir, sub, pattern) {
  return readdirSync(path.join(dir, sub), { recursive: true })
    .map((file) => path.join(sub, String(file)))
    .filter((file) => pattern.test(file) && !file.split(path.sep).includes("node_modules"))
    .sort();
}

export const LIBRARY_SUITES = {
  fastify: {
    packageName: "fastify",
    version: () => installedVersion("fastify"),
    // As Fastify's own .borp.yaml: test/**/*.test.js and test/**/*.test.mjs.
    testFiles: (dir) => filesUnder(dir, "test", /\.test\.m?js$/),
    // borp's default, which Fastify's `npm run unit` uses.
    testTimeoutMs: 30_000,
    // @fastify/otel's span for each request: the preload really traced the suite.
    engagedSpan: /^\[[0-9a-f]+\] request  INTERNAL /,
  },
};
