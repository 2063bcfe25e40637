/**
 * The package the way a user gets it: `npm pack`, then `npm install` of the
 * tarball into an empty app (from the local npm cache when it can), and what
 * that install weighs.
 */
import { execFile } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** npm's own lifecycle variables (set when the tests run under `npm test`) would steer a nested npm; the cache and registry settings stay. */
function npmEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_(cache|registry|userconfig)$/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
}

async function npm(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run("npm", args, { cwd, env: npmEnvironment(), maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm ${args.join(" ")} failed in ${cwd}: ${failure.message}\n${failure.stdout ?? ""}\n${failure.stderr ?? ""}`);
  }
}

/** Packs the repository (its current dist/) into `directory`; returns the tarball's path. */
export async function packRepository(repoRoot: string, directory: string): Promise<string> {
  const out = await npm(["pack", "--json", "--pack-destination", directory], repoRoot);
  const [info] = JSON.parse(out) as { filename: string }[];
  return join(directory, info!.filename);
}

/** An empty app in `directory` with `packages` installed (`npm install ... --prefer-offline`, plus `flags`). */
export async function installIntoEmptyApp(directory: string, packages: string[], flags: string[] = []): Promise<void> {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, "package.json"), `${JSON.stringify({ name: "install-check", version: "1.0.0", private: true }, null, 2)}\n`);
  await npm(["install", "--prefer-offline", "--no-audit", "--no-fund", ...flags, ...packages], directory);
}

export interface InstalledTree {
  /** Every installed package (nested copies included), as `name` per copy. */
  readonly packages: string[];
  /** Bytes of the files' contents under node_modules (symbolic links not followed). */
  readonly bytes: number;
  /** Bytes allocated on disk, files and directories, as `du` counts them (the larger figure). */
  readonly bytesOnDisk: number;
}

/** Walks `app/node_modules` the way npm lays it out: `name` or `@scope/name`, each possibly with its own node_modules. */
export function measureInstall(app: string): InstalledTree {
  const packages: string[] = [];
  let bytes = 0;
  let bytesOnDisk = 0;
  const sizeOf = (path: string): number => {
    const stats = lstatSync(path);
    bytesOnDisk += stats.blocks * 512;
    if (stats.isSymbolicLink()) return 0;
    if (!stats.isDirectory()) return stats.size;
    return readdirSync(path).reduce((sum, entry) => sum + sizeOf(join(path, entry)), 0);
  };
  const visitNodeModules = (nodeModules: string) => {
    if (!existsSync(nodeModules)) return;
    bytesOnDisk += lstatSync(nodeModules).blocks * 512;
    for (const entry of readdirSync(nodeModules)) {
      const path = join(nodeModules, entry);
      if (entry.startsWith(".")) {
        bytes += sizeOf(path); // .bin links, npm's hidden lockfile
      } else if (entry.startsWith("@")) {
        bytesOnDisk += lstatSync(path).blocks * 512;
        for (const scoped of readdirSync(path)) visitPackage(join(path, scoped));
      } else {
        visitPackage(path);
      }
    }
  };
  const visitPackage = (directory: string) => {
    if (lstatSync(directory).isSymbolicLink() || !existsSync(join(directory, "package.json"))) return;
    bytesOnDisk += lstatSync(directory).blocks * 512;
    packages.push((JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as { name: string }).name);
    for (const entry of readdirSync(directory)) {
      const path = join(directory, entry);
      if (entry === "node_modules") visitNodeModules(path);
      else bytes += sizeOf(path);
    }
  };
  visitNodeModules(join(app, "node_modules"));
  return { packages: packages.sort(), bytes, bytesOnDisk };
}
