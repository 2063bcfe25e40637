// The libraries whose own test suites the tier runs bare and under the
// preload (scripts/library-suites/run-suite.mjs). Each entry says which
// npm package to install (its tests ship in the package), which version
// (the one our own tests run, from package-lock.json), which files are its
// tests, and which spans show that the traced run was really traced.
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
    // The preload really traced the suite: spans the receiver must have seen.
    engaged: { span: /^\[[0-9a-f]+\] request  INTERNAL /, what: "@fastify/otel's request spans" },
  },
  pino: {
    packageName: "pino",
    version: () => installedVersion("pino"),
    // What its CI's `borp` finds, less TypeScript (Node 20 runs no .ts).
    testFiles: (dir) => filesUnder(dir, "test", /\.test\.m?js$/),
    // Its CI runs `npm run transpile` first (TypeScript transport fixtures some tests load).
    prepare: ["transpile"],
    // Its `npm run borp`: --timeout 60000.
    testTimeoutMs: 60_000,
    // The pino instrumentation makes no spans of its own; the suite's HTTP servers do.
    engaged: { span: /^\[[0-9a-f]+\] .+  SERVER  /, what: "http SERVER spans" },
    // Tracing itself, by design: these must differ, and nothing else may.
    expectedDifferences: {
      why: "a record logged inside a traced request carries trace_id, span_id and trace_flags (log correlation), and the request it logs carries the traceparent header the http client sent",
      tests: [
        "test/http.test.js > http request support",
        "test/http.test.js > http request support via serializer",
        "test/http.test.js > http response support",
        "test/http.test.js > http response support via a serializer",
        "test/http.test.js > http request support via serializer in a child",
      ],
    },
  },
};
