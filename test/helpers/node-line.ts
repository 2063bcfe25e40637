/**
 * What the Node running the tests can do, written out from Node's release
 * notes rather than asked of the code under test, so a test of "the right
 * path on this line" can fail when the preload picks the wrong one.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const REPO_ROOT = resolve(import.meta.dirname, "..", "..");
const major = Number.parseInt(process.versions.node, 10);
const nodeIsAtLeast = (minimum: string) => versionAtLeast(process.versions.node, minimum);

/**
 * `module.registerHooks` whose synchronous load hook accepts the nullish
 * CommonJS source import-in-the-middle returns (nodejs/node#59929): 22.22.3,
 * 24.11.1, 25.1.0, 26.0.0 and later. Before that the hooks run on a loader thread.
 */
export const SYNC_MODULE_HOOKS =
  major >= 26 || (major === 25 && nodeIsAtLeast("25.1.0")) || (major === 24 && nodeIsAtLeast("24.11.1")) || (major === 22 && nodeIsAtLeast("22.22.3"));

/** Runs `.ts` files itself (type stripping): `process.features.typescript` is "strip" or "transform". */
export const NATIVE_TYPESCRIPT = Boolean((process.features as { typescript?: unknown }).typescript);

export const NODE_LINE = `Node ${process.versions.node}`;

/** Whether `version` ("22.15.0") is at least `minimum`. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const [a, b] = [version, minimum].map((text) => text.replace(/^v/, "").split(".").map(Number)) as [number[], number[]];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/**
 * A Node binary of at least `minimum`: the one running the tests when it is,
 * else the first line of .ci/node-lines that is, from the cache
 * scripts/node-lines/fetch-node.mjs keeps (downloaded from the npm registry
 * when missing). For what only newer Node runs, tested on every line.
 */
export function nodeAtLeast(minimum: string): string {
  if (nodeIsAtLeast(minimum)) return process.execPath;
  const lines = readFileSync(join(REPO_ROOT, ".ci", "node-lines"), "utf8").split("\n").map((line) => line.replace(/#.*/, "").trim());
  const version = lines.find((line) => line !== "" && versionAtLeast(line, minimum));
  if (!version) throw new Error(`no Node >= ${minimum} in .ci/node-lines`);
  return execFileSync(process.execPath, [join(REPO_ROOT, "scripts", "node-lines", "fetch-node.mjs"), version], { encoding: "utf8", timeout: 600_000 }).trim();
}

/** The oldest Node the package supports (package.json `engines`). */
export const OLDEST_SUPPORTED_NODE = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node.replace(/^>=\s*/, "");

/** A Node binary of exactly `version` ("20.6" means 20.6.0), from the same cache as the CI lines (fetched when missing). */
export function nodeOfVersion(version: string): string {
  const exact = version.split(".").length === 2 ? `${version}.0` : version;
  return execFileSync(process.execPath, [join(REPO_ROOT, "scripts", "node-lines", "fetch-node.mjs"), exact], { encoding: "utf8", timeout: 600_000 }).trim();
}
