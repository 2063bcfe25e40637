// The build-time patches of upstream instrumentations
// (scripts/instrumentation-patches/): each applies to the installed package,
// and a patch that no longer applies, or whose file left the bundle, fails the
// build loudly instead of shipping the upstream behaviour.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { build, type Plugin } from "esbuild";
import { describe, expect, it } from "vitest";
import {
  applyInstrumentationPatches,
  applyPatch,
  INSTRUMENTATION_PATCHES,
  patchTargets,
  PatchDoesNotApplyError,
  type InstrumentationPatch,
} from "../scripts/instrumentation-patches/index.js";
import { REPO_ROOT } from "./helpers/fixture-process.js";

const requireFromRoot = createRequire(path.join(REPO_ROOT, "package.json"));
const KOA_ENTRY = "@opentelemetry/instrumentation-koa";

/** Bundles `entry` (its own files only) with the given patches; returns the code. */
async function bundleWith(entry: string, patches: readonly InstrumentationPatch[]): Promise<string> {
  const plugin: Plugin = { name: "patches-under-test", setup: (b) => applyInstrumentationPatches(b, REPO_ROOT, patches) };
  const result = await build({
    // By path: a bare package name would be external too.
    entryPoints: [requireFromRoot.resolve(entry)],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    write: false,
    logLevel: "silent",
    plugins: [plugin],
  });
  return result.outputFiles[0]!.text;
}

const koaPatch = INSTRUMENTATION_PATCHES.find((p) => p.packageName === KOA_ENTRY)!;

describe("instrumentation patches", () => {
  it.each(patchTargets(REPO_ROOT))("$patch.packageName: applies to the installed $installedVersion", ({ patch, filePath, installedVersion }) => {
    const source = readFileSync(filePath, "utf8");
    const patched = applyPatch(source, patch, installedVersion);
    expect(patched).not.toBe(source);
    for (const edit of patch.edits) expect(patched).toContain(edit.replace);
  });

  it("refuses an edit whose text is missing, naming the package, the versions and the fix", () => {
    const stale: InstrumentationPatch = { ...koaPatch, edits: [{ find: "text upstream no longer has", replace: "x" }] };
    const attempt = () => applyPatch("const unrelated = 1;\n", stale, "9.9.9");
    expect(attempt).toThrow(PatchDoesNotApplyError);
    expect(attempt).toThrow(/instrumentation-koa .*no longer applies.*found it 0 times.*written for 0\.71\.0, installed is 9\.9\.9/);
  });

  it("refuses an edit whose text occurs more than once", () => {
    const ambiguous: InstrumentationPatch = { ...koaPatch, edits: [{ find: "twice", replace: "once" }] };
    expect(() => applyPatch("twice twice", ambiguous, koaPatch.writtenFor)).toThrow(/found it 2 times/);
  });

  it("keeps `$` sequences of a replacement literal", () => {
    const dollars: InstrumentationPatch = { ...koaPatch, edits: [{ find: "a", replace: "$& $1 $$" }] };
    expect(applyPatch("a", dollars, koaPatch.writtenFor)).toBe("$& $1 $$");
  });

  it("patches the file while esbuild bundles it", async () => {
    const code = await bundleWith(KOA_ENTRY, [koaPatch]);
    expect(code).toContain('typeof middlewareFunction !== "function"');
  });

  it("fails the build when a patch no longer applies", async () => {
    const stale: InstrumentationPatch = { ...koaPatch, edits: [{ find: "text upstream no longer has", replace: "x" }] };
    await expect(bundleWith(KOA_ENTRY, [stale])).rejects.toThrow(/instrumentation-koa .*no longer applies/);
  });

  it("fails the build when a patched file is not part of the bundle", async () => {
    await expect(bundleWith("@opentelemetry/instrumentation-connect", [koaPatch])).rejects.toThrow(
      /instrumentation patch for @opentelemetry\/instrumentation-koa was not applied/,
    );
  });
});
