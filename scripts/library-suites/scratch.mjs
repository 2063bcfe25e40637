// The scratch folder a library suite runs in, laid out as a user's app:
//
//   <scratch>/node_modules/axonpush-otel        our packed tarball, installed anew each run
//   <scratch>/suite/node_modules/<library>      the library's npm package with its
//                                               devDependencies (its tests need them),
//                                               and the npm scripts its CI runs first
//
// The library is loaded from a node_modules path, as every user loads it
// (the instrumentations engage only there), and `--import axonpush-otel/register`
// resolves from the suite's folder up to <scratch>/node_modules. The library's
// install is kept (keyed by name and version) in
// $AXONPUSH_SUITES_CACHE or ~/.cache/axonpush-otel/library-suites.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./suites.mjs";

const npm = (args, cwd) => execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });

function cacheRoot(env = process.env) {
  if (env.AXONPUSH_SUITES_CACHE) return env.AXONPUSH_SUITES_CACHE;
  return path.join(env.XDG_CACHE_HOME || path.join(homedir(), ".cache"), "axonpush-otel", "library-suites");
}

/** Installs what `suite` needs; returns the library's folder and the scratch root. */
export function prepareScratch(suite, version) {
  const root = path.join(cacheRoot(), `${suite.packageName}-${version}`);
  const libraryDir = installLibrary(root, suite, version);
  installPreload(root);
  return { root, libraryDir };
}

function installLibrary(root, { packageName, prepare = [] }, version) {
  const libraryDir = path.join(root, "suite", "node_modules", packageName);
  const marker = path.join(root, "suite", `.installed-${packageName}@${version}`);
  if (existsSync(marker)) return libraryDir;
  rmSync(path.join(root, "suite"), { recursive: true, force: true });
  mkdirSync(libraryDir, { recursive: true });
  const packDir = mkdtempSync(path.join(tmpdir(), "axonpush-suite-"));
  try {
    const tarball = npm(["pack", `${packageName}@${version}`, "--silent", "--pack-destination", packDir], packDir).trim().split("\n").pop();
    execFileSync("tar", ["-xzf", path.join(packDir, tarball), "-C", libraryDir, "--strip-components=1"]);
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
  // Its dependencies and devDependencies, as its own CI installs them (no lifecycle scripts).
  npm(["install", "--ignore-scripts", "--no-package-lock"], libraryDir);
  for (const script of prepare) npm(["run", script], libraryDir);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return libraryDir;
}

/** Our package as users get it: `npm pack` of this checkout (dist/ must be built). */
function installPreload(root) {
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, "package.json"), `${JSON.stringify({ name: "library-suite-scratch", private: true }, null, 2)}\n`);
  for (const old of readdirSync(root).filter((file) => file.endsWith(".tgz"))) rmSync(path.join(root, old));
  const tarball = npm(["pack", REPO_ROOT, "--silent", "--pack-destination", root], root).trim().split("\n").pop();
  npm(["install", "--no-package-lock", "--no-save", path.join(root, tarball)], root);
}
