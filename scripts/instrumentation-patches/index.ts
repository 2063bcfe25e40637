/**
 * Our fixes to upstream instrumentations, applied while esbuild bundles them
 * into dist/lazy/ (the README's "Fixes to upstream instrumentations" lists
 * them). Each is checked before the build starts and must have been applied
 * when it ends, so a patch that no longer applies to the installed version
 * fails the build instead of silently shipping the upstream behaviour.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { PluginBuild } from "esbuild";
import { applyPatch } from "./apply.js";
import { connectPatch } from "./connect.js";
import { ES_MODULE_NAMESPACE_PATCHES } from "./es-module-namespaces.js";
import { expressPatch } from "./express.js";
import { fastifyPatch } from "./fastify.js";
import { koaPatch } from "./koa.js";
import { pinoPatch } from "./pino.js";
import { routerPatch } from "./router.js";
import type { InstrumentationPatch } from "./types.js";

export type { InstrumentationPatch, SourceEdit } from "./types.js";
export { applyPatch, PatchDoesNotApplyError } from "./apply.js";

export const INSTRUMENTATION_PATCHES: readonly InstrumentationPatch[] = [connectPatch, routerPatch, expressPatch, koaPatch, fastifyPatch, pinoPatch, ...ES_MODULE_NAMESPACE_PATCHES];

export interface PatchTarget {
  patch: InstrumentationPatch;
  /** Absolute path of the installed file. */
  filePath: string;
  installedVersion: string;
}

/** Where each patch's file is installed, resolved from `root`. */
export function patchTargets(root: string, patches: readonly InstrumentationPatch[] = INSTRUMENTATION_PATCHES): PatchTarget[] {
  const requireFromRoot = createRequire(path.join(root, "package.json"));
  return patches.map((patch) => {
    const manifestPath = requireFromRoot.resolve(`${patch.packageName}/package.json`);
    const installedVersion = (JSON.parse(readFileSync(manifestPath, "utf8")) as { version: string }).version;
    return { patch, filePath: path.join(path.dirname(manifestPath), patch.file), installedVersion };
  });
}

const exactPath = (filePath: string) => new RegExp(`^${filePath.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`);

/**
 * Registers the patches on an esbuild build (called from a plugin's `setup`).
 * `onStart` fails the build when a patch does not apply; `onEnd` fails it when
 * a patched file was not part of the bundle (the package moved its code).
 */
export function applyInstrumentationPatches(build: PluginBuild, root: string, patches: readonly InstrumentationPatch[] = INSTRUMENTATION_PATCHES): void {
  const targets = patchTargets(root, patches);
  const applied = new Set<string>();
  build.onStart(() => {
    applied.clear();
    const errors = [];
    for (const target of targets) {
      try {
        applyPatch(readFileSync(target.filePath, "utf8"), target.patch, target.installedVersion);
      } catch (error) {
        errors.push({ text: (error as Error).message });
      }
    }
    return { errors };
  });
  for (const target of targets) {
    build.onLoad({ filter: exactPath(target.filePath) }, () => {
      applied.add(target.filePath);
      return { contents: applyPatch(readFileSync(target.filePath, "utf8"), target.patch, target.installedVersion), loader: "js" };
    });
  }
  build.onEnd((result) => {
    if (result.errors.length > 0) return;
    const missing = targets.filter((target) => !applied.has(target.filePath));
    return {
      errors: missing.map((target) => ({
        text: `instrumentation patch for ${target.patch.packageName} was not applied: ${target.filePath} is not part of the bundle any more`,
      })),
    };
  });
}
